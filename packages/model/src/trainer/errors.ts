/** Thrown when a restored state does not fit this trainer's networks. */
export class TrainerStateError extends Error {
  readonly code = 'ERR_TRAINER_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'TrainerStateError';
  }
}
