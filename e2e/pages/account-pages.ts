/**
 * Page objects for accounts, the profile and the leaderboard, in a learner's terms: sign up,
 * read my XP in the header, open my profile, find my place on the leaderboard.
 */
import { expect, type Locator, type Page } from "@playwright/test";

export class SignUpPage {
  constructor(readonly page: Page) {}

  async signUp(account: { username: string; displayName: string; password: string }, next = "/"): Promise<void> {
    await this.page.goto(`/sign-up?next=${encodeURIComponent(next)}`);
    await this.page.getByLabel("Username").fill(account.username);
    await this.page.getByLabel("Display name").fill(account.displayName);
    await this.page.getByLabel("Password").fill(account.password);
    await this.page.getByTestId("sign-up-submit").click();
    await this.page.waitForURL((url) => url.pathname === next);
  }
}

export class SignInPage {
  constructor(readonly page: Page) {}

  async signIn(username: string, password: string): Promise<void> {
    await this.page.goto("/sign-in");
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByTestId("sign-in-submit").click();
  }

  error(): Locator {
    return this.page.getByTestId("auth-error");
  }
}

/** The account element in every page header. */
export class AccountHeader {
  constructor(readonly page: Page) {}

  name(): Locator {
    return this.page.getByTestId("account-name");
  }

  /** The XP shown in the header (updated live when the server awards XP). */
  async expectXp(xp: number): Promise<void> {
    await expect(this.page.getByTestId("account-xp")).toHaveAttribute("data-xp", String(xp));
  }
}

export class ProfilePage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/profile");
    await expect(this.page.getByTestId("profile-xp")).toBeVisible();
  }

  xp(): Locator {
    return this.page.getByTestId("profile-xp");
  }

  achievement(id: string): Locator {
    return this.page.getByTestId(`achievement-${id}`);
  }

  levelsPassed(): Locator {
    return this.page.getByTestId("profile-levels-passed");
  }
}

export class LeaderboardPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/leaderboard");
    await expect(this.page.getByTestId("your-place").or(this.page.getByText("Pass a level with an account"))).toBeVisible();
  }

  /** "Your place: #N of M with X XP." */
  yourPlace(): Locator {
    return this.page.getByTestId("your-place");
  }

  /** The viewer's own row in the table (on the current page). */
  yourRow(): Locator {
    return this.page.getByTestId("leaderboard-you");
  }
}
