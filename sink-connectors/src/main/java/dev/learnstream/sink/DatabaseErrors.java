package dev.learnstream.sink;

import java.io.IOException;
import java.sql.SQLException;

/** Sorts database failures into those worth retrying, those caused by one row, and the rest. */
final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /** The first SQLException in the cause chain, or null. */
    static SQLException sqlException(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /**
     * Rows are not at fault: the connection was lost or refused (class 08), the server is shutting
     * down or starting (57P0x), out of resources (53), or the transaction lost a race (serialization
     * failure 40001, deadlock 40P01, lock timeout 55P03). Retrying the same batch can succeed.
     */
    static boolean isTransient(Throwable error) {
        final SQLException sql = sqlException(error);
        if (sql == null) {
            return hasIoCause(error);
        }
        final String state = sql.getSQLState();
        if (state == null) {
            return hasIoCause(error);
        }
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01") || state.equals("55P03");
    }

    /**
     * A row's data is at fault: a data exception (class 22, e.g. a value out of range or invalid
     * JSON), an integrity constraint violation (class 23, e.g. a CHECK), or two rows of one
     * statement naming the same table row (21000, e.g. two record keys spelling one time key
     * differently). Written one by one, the same row always fails, or the pair succeeds in order.
     */
    static boolean rowAtFault(Throwable error) {
        final SQLException sql = sqlException(error);
        final String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("21000"));
    }

    private static boolean hasIoCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable error) {
        final SQLException sql = sqlException(error);
        if (sql != null) {
            return "SQLState " + sql.getSQLState() + ": " + sql.getMessage();
        }
        return error.toString();
    }
}
