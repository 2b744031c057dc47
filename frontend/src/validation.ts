// Task title rules, shared by the add form and rename so both say the same thing
// before anything is sent. The backend enforces the same limits.

export const TITLE_MAX_LENGTH = 200;

export type TitleCheck = { ok: true; title: string } | { ok: false; message: string };

export function checkTitle(raw: string): TitleCheck {
  const title = raw.trim();
  if (title.length === 0) return { ok: false, message: "Enter a title." };
  // Count code points, not UTF-16 units, so an emoji counts as one character.
  const length = [...title].length;
  if (length > TITLE_MAX_LENGTH) {
    return { ok: false, message: `Keep the title to ${TITLE_MAX_LENGTH} characters (it has ${length}).` };
  }
  // The backend refuses control characters (tabs, newlines pasted in).
  if (/\p{Cc}/u.test(title)) return { ok: false, message: "Remove tabs, line breaks and other control characters." };
  return { ok: true, title };
}
