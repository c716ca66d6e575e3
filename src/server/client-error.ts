// Replies to requests Node's HTTP parser refuses before Fastify sees them (a URL or headers over
// the size limit, a malformed request line, a request not received in time), in MLflow's error
// envelope instead of Fastify's or Node's own bodies. The connection is closed after the reply:
// the parser's state is unknown, so nothing more can be read from it.
import type { Socket } from 'node:net';

/** Node's limit on the request line plus headers (its default, `--max-http-header-size`). */
export const MAX_HEADER_BYTES = 16 * 1024;

interface ClientErrorReply {
  status: number;
  reason: string;
  errorCode: string;
  message: string;
}

function replyFor(code: string | undefined): ClientErrorReply {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: `Request line and headers are too large (limit ${MAX_HEADER_BYTES / 1024} KiB).`,
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      reason: 'Request Timeout',
      errorCode: 'BAD_REQUEST',
      message: 'The request was not received in time.',
    };
  // llhttp's codes (HPE_INVALID_METHOD, HPE_INVALID_HEADER_TOKEN, …) name the fault and never echo input.
  const detail = code !== undefined && /^HPE_[A-Z_]+$/.test(code) ? ` (${code})` : '';
  return {
    status: 400,
    reason: 'Bad Request',
    errorCode: 'BAD_REQUEST',
    message: `Bad Request. The request is not valid HTTP/1.1${detail}.`,
  };
}

/** Fastify's `clientErrorHandler`: one small JSON reply, then the socket is closed. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // As Node's own handler: never write into a response that has already started. Node exposes the
  // socket's current response only as `_httpMessage`, which its own clientError default reads.
  // oxlint-disable-next-line no-underscore-dangle
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && response?.headersSent !== true) {
    const { status, reason, errorCode, message } = replyFor(error.code);
    const body = JSON.stringify({ error_code: errorCode, message });
    // end() flushes the reply before the close (destroy() right after write() may drop it).
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
    return;
  }
  socket.destroy();
}
