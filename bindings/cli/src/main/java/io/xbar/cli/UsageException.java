// UsageException: a user mistake on the command line; printed as one line, exit status 2.
package io.xbar.cli;

/** A bad file, shape, value or flag. The message is the one line the user sees. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
