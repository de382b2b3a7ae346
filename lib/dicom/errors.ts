// Typed errors for everything DICOM: callers (upload validation, CLI, radiomics) switch on `code`.

export type DicomErrorCode =
  | "NOT_DICOM"
  | "TRUNCATED"
  | "UNSUPPORTED_TRANSFER_SYNTAX"
  | "UNSUPPORTED_PIXEL_FORMAT"
  | "BAD_PIXEL_DATA"
  | "MISSING_ATTRIBUTE"
  | "BAD_ATTRIBUTE"
  | "TOO_LARGE"
  | "PARSE_ERROR";

export class DicomError extends Error {
  constructor(
    readonly code: DicomErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DicomError";
  }
}

/** Turns anything thrown by a third-party parser/codec (often a bare string) into a DicomError. */
export function wrapError(err: unknown, code: DicomErrorCode, prefix: string): DicomError {
  if (err instanceof DicomError) return err;
  const text = err instanceof Error ? err.message : typeof err === "string" ? err : String(err);
  return new DicomError(code, `${prefix}: ${text.split("\n")[0].slice(0, 300)}`, { cause: err });
}
