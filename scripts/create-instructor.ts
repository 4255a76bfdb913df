/**
 * Makes an instructor from the command line:
 *
 *   npm run user:create-instructor -- <username> [display name]
 *
 * An existing account becomes an instructor. Otherwise a new account is created with a
 * random password, printed once (change it by signing in; there is no password reset yet).
 * Uses the same database as the server (DATABASE_URL, else KUBEQUEST_DATA_DIR/kubequest.sqlite).
 */
import { randomBytes } from "node:crypto";
import { usernameSchema } from "../lib/accounts/account-rules";
import { hashPassword } from "../server/accounts/password-hash";
import { AccountStore } from "../server/database/account-store";
import { storageConfigFrom } from "../server/config/server-config";
import { openDatabase } from "../server/database/database";

async function main(): Promise<void> {
  const [rawName, ...nameParts] = process.argv.slice(2);
  const parsed = usernameSchema.safeParse(rawName ?? "");
  if (!parsed.success) {
    console.error(`usage: npm run user:create-instructor -- <username> [display name]\n${parsed.error.issues[0]?.message ?? ""}`);
    process.exit(2);
  }
  const username = parsed.data;
  const handle = await openDatabase(storageConfigFrom());
  try {
    const accounts = new AccountStore(handle.db, { anonymousTtlMs: 0, accountTtlMs: 0 });
    const existing = await accounts.learnerByUsername(username);
    if (existing) {
      await accounts.setRole(existing.id, "instructor");
      console.log(`${username} is now an instructor (${handle.describe}).`);
      return;
    }
    const password = randomBytes(12).toString("base64url");
    await accounts.createAccount({ username, passwordHash: await hashPassword(password), displayName: nameParts.join(" ") || username, role: "instructor" });
    console.log(`Created instructor ${username} in ${handle.describe}.\nPassword (shown once): ${password}`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
