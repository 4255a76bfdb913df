/**
 * What a username, password and display name may be, with messages a person can act on.
 * Shared by the HTTP handlers (validation) and the forms (same wording).
 */
import { z } from "zod";

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Your username needs at least 3 characters.")
  .max(32, "Your username can have at most 32 characters.")
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "Use letters, digits, '-' and '_' in your username, starting with a letter or digit.");

export const passwordSchema = z
  .string()
  .min(10, "Your password needs at least 10 characters.")
  .max(200, "Your password can have at most 200 characters.");

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "Your display name cannot be empty.")
  .max(40, "Your display name can have at most 40 characters.")
  // No control characters: names appear in other people's leaderboards.
  .regex(/^[^\p{Cc}]+$/u, "Your display name cannot contain control characters.");
