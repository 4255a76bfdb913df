/** The socket.io room of a cohort's watchers (instructors with its roster open). */
export const cohortRoom = (cohortId: string): string => `cohort:${cohortId}`;
