import { AppError, type ErrorCode } from '../../shared/domain/errors';

/** The contract code a domain rule refuses with, or undefined when it lets the input pass. Other errors propagate. */
export function refusalCode(run: () => unknown): ErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
