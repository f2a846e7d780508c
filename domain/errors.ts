/**
 * Every refusal the product can give, by a stable name that clients and the pages key on.
 * The API puts it in problem+json's `code`; workflows and activities throw the same name,
 * prefixed `ERR_`, as their ApplicationFailure type (see `failureType`).
 */
export const ErrorCode = {
  /** A field of the body, query or a header is invalid; `errors[]` names each. */
  InvalidInput: 'INVALID_INPUT',
  /** The body is not JSON, or not in a form the endpoint reads. */
  MalformedBody: 'MALFORMED_BODY',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Unauthenticated: 'UNAUTHENTICATED',
  /** The caller's role may never take this action. */
  Forbidden: 'FORBIDDEN',
  /** The caller's role within its office (admin, supervisor, viewer) does not cover this action. */
  RoleForbidden: 'ROLE_FORBIDDEN',
  /** A change made with a session cookie without the X-CSRF-Token header from GET /auth/csrf. */
  CsrfMissing: 'CSRF_MISSING',
  /** X-CSRF-Token present but not the session's. */
  CsrfInvalid: 'CSRF_INVALID',
  /** Password sign-in is switched off here: people sign in through single sign-on. */
  PasswordSignInOff: 'PASSWORD_SIGNIN_OFF',
  /** Single sign-on is not configured on this deployment. */
  OidcOff: 'OIDC_OFF',
  /** Wrong username or password (the two answer alike). */
  LoginFailed: 'LOGIN_FAILED',
  /** A password shorter than the policy's minimum, one of the common passwords, or containing the username. */
  WeakPassword: 'WEAK_PASSWORD',
  /** Absent, or present but not visible to the caller: the two answer alike. */
  NotFound: 'NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** A code or key that must be unique is taken. */
  AlreadyExists: 'ALREADY_EXISTS',
  RoundState: 'ROUND_STATE',
  TaskNotFound: 'TASK_NOT_FOUND',
  TaskState: 'TASK_STATE',
  UnitClosed: 'UNIT_CLOSED',
  SubmissionMismatch: 'SUBMISSION_MISMATCH',
  SubmissionReviewed: 'SUBMISSION_REVIEWED',
  CorrectionReasonRequired: 'CORRECTION_REASON_REQUIRED',
  EvidenceMissing: 'EVIDENCE_MISSING',
  InvalidDueDate: 'INVALID_DUE_DATE',
  WindowNotOpen: 'WINDOW_NOT_OPEN',
  WindowClosed: 'WINDOW_CLOSED',
  AlreadyAnswered: 'ALREADY_ANSWERED',
  ProgrammeState: 'PROGRAMME_STATE',
  ProgrammeInvalid: 'PROGRAMME_INVALID',
  TemplateOwned: 'TEMPLATE_OWNED',
  WebhookDelivery: 'WEBHOOK_DELIVERY',
  /** An upload larger than the configured limit. */
  FileTooLarge: 'FILE_TOO_LARGE',
  /** An upload whose content is not of an allowed type, whatever its name says. */
  FileType: 'FILE_TYPE',
  /** A multipart upload without its `file` part, or an empty one. */
  FileMissing: 'FILE_MISSING',
  /** The stored bytes no longer match the hash recorded for them; they are not served. */
  FileCorrupt: 'FILE_CORRUPT',
  RateLimited: 'RATE_LIMITED',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];

/** The ApplicationFailure type a workflow or activity throws for a code. */
export const failureType = <C extends ErrorCode>(code: C) => `ERR_${code}` as const;

/** The code behind an ApplicationFailure type, if it is one of ours. */
export function codeOfFailureType(type: string | undefined | null): ErrorCode | undefined {
  if (!type?.startsWith('ERR_')) return undefined;
  const code = type.slice(4);
  return (ERROR_CODES as string[]).includes(code) ? (code as ErrorCode) : undefined;
}

export interface FieldProblem {
  path: string;
  message: string;
  in?: 'body' | 'query' | 'params' | 'header';
  /** What is wrong with the field, as a stable word (zod's issue codes, or ours such as `unknown`). */
  code?: string;
  /** For a cell of an imported spreadsheet: its row as numbered in the sheet (the header is row 1)... */
  row?: number;
  /** ...and its column's header. */
  column?: string;
}

/** Input that is well-formed but refers to things that do not exist or may not be used; the API answers 400. */
export class InvalidInput extends Error {
  constructor(
    message: string,
    readonly errors: FieldProblem[],
  ) {
    super(message);
  }
}
