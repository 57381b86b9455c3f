/**
 * `fovea predict ... | head -1`: once the reader has what it wants it closes the pipe, and the
 * next write to stdout fails with EPIPE. Node reports that as an unhandled 'error' event with a
 * stack trace; Unix tools stop quietly instead (their default SIGPIPE action), so we do too.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    // Exit status 0: the reader chose to stop, nothing went wrong on our side.
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
