// Request and response shapes of the accounts API, shared by the server and the web app.
import { z } from 'zod';
import '../shared/schemas.ts';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address, like ada@example.com' }).max(254));
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters long')
  .max(200, 'must be at most 200 characters long');
export const personNameSchema = z.string().trim().max(100, 'must be at most 100 characters long');

export const signInBody = z.object({
  email: emailSchema,
  password: z.string().min(1, 'must not be empty').max(200),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const profileBody = z.object({ name: personNameSchema });
export const userInfo = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

/** Whether this instance can send reset links at all (the same answer for every address). */
export const passwordResetStatus = z.object({ byEmail: z.boolean() });
export const passwordResetRequest = z.object({ email: emailSchema });
/** The same answer whether or not an account has the address. */
export const passwordResetRequested = z.object({ requested: z.literal(true) });
// 256 bits in base64url are 43 characters; a little room for a copied link's stray character.
export const resetTokenSchema = z.string().trim().min(20, 'is too short: copy the whole link').max(100);
export const passwordResetCheck = z.object({ token: resetTokenSchema });
export const passwordResetFor = z.object({ email: z.string() });
export const passwordResetComplete = z.object({ token: resetTokenSchema, password: passwordSchema });
