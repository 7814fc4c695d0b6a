import { Transform } from 'class-transformer';

/** Trims a string before validation ("  " is then too short); leaves other types to fail their check. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
