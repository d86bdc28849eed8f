/** Longer than the model's 250 characters: a person may need more for a complex photo. */
export const MAX_HUMAN_ALT_LENGTH = 1000;
