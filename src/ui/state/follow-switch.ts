/** Classroom mode's follow switch, as the player's key turns it (`contlab class join`). */
export interface FollowSwitch {
  get(): boolean;
  set(on: boolean): void;
}
