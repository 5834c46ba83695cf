package dev.learnstream.sink;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary COPY format, streamed into a {@code COPY … FROM STDIN (FORMAT
 * binary)}. Binary, because nothing has to be escaped or parsed on either side: a text value
 * travels as its UTF-8 bytes, a number as its machine bytes. The column types must be exactly
 * those the target columns have ({@link SqlType#pgType}); {@code JdbcSink.migrate} checks that
 * at start-up. PostgreSQL still validates every value (UTF-8, JSON, time range), and a value it
 * rejects fails the COPY with a data exception, as a bad row of any other statement would.
 */
final class BinaryCopy {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL counts time in microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
    /** jsonb's binary format: a version byte, then the JSON text. */
    private static final byte JSONB_VERSION = 1;
    /** Bytes gathered before they are handed to the connection. */
    private static final int CHUNK = 1 << 18;

    private final CopyIn copy;
    private final SqlType[] types;
    private byte[] buffer = new byte[CHUNK + 1024];
    private int length;

    private BinaryCopy(CopyIn copy, List<Column> columns) {
        this.copy = copy;
        this.types = columns.stream().map(Column::type).toArray(SqlType[]::new);
    }

    /**
     * Copies the rows (values in {@code columns} order) through {@code copy}, which this method
     * ends, or cancels if anything fails. @return the rows PostgreSQL reports as copied
     */
    static long copy(CopyIn copy, List<Column> columns, List<Object[]> rows) throws SQLException {
        final BinaryCopy encoder = new BinaryCopy(copy, columns);
        try {
            encoder.put(SIGNATURE);
            encoder.putInt(0); // flags: no OIDs
            encoder.putInt(0); // no header extension
            for (final Object[] row : rows) {
                encoder.row(row);
            }
            encoder.putShort(-1);
            encoder.flush();
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void row(Object[] values) throws SQLException {
        putShort(values.length);
        for (int c = 0; c < values.length; c++) {
            field(types[c], values[c]);
        }
        if (length >= CHUNK) {
            flush();
        }
    }

    private void field(SqlType type, Object value) {
        if (value == null) {
            putInt(-1);
            return;
        }
        switch (type) {
            case TEXT -> text((String) value, false);
            case JSON -> text((String) value, true);
            case INTEGER -> {
                putInt(4);
                putInt((Integer) value);
            }
            case BIGINT -> {
                putInt(8);
                putLong((Long) value);
            }
            case DOUBLE -> {
                putInt(8);
                putLong(Double.doubleToLongBits((Double) value));
            }
            case BOOLEAN -> {
                putInt(1);
                ensure(1);
                buffer[length++] = (byte) ((Boolean) value ? 1 : 0);
            }
            case TIMESTAMP -> {
                putInt(8);
                putLong(microsSince2000((Long) value));
            }
        }
    }

    /**
     * Epoch milliseconds as PostgreSQL's timestamp. A value too far out to be represented is sent
     * as one just inside the limits of a long, never as the long's extremes, which PostgreSQL
     * reads as ±infinity: it rejects it as out of range, and the row is set aside.
     */
    static long microsSince2000(long epochMillis) {
        // Compared before shifting: epochMillis near the long's limits would overflow the subtraction.
        if (epochMillis > (Long.MAX_VALUE - 1) / 1000 + POSTGRES_EPOCH_MILLIS) {
            return Long.MAX_VALUE - 1;
        }
        if (epochMillis < (Long.MIN_VALUE + 1) / 1000 + POSTGRES_EPOCH_MILLIS) {
            return Long.MIN_VALUE + 1;
        }
        return (epochMillis - POSTGRES_EPOCH_MILLIS) * 1000;
    }

    private void text(String value, boolean jsonb) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length + (jsonb ? 1 : 0));
        if (jsonb) {
            ensure(1);
            buffer[length++] = JSONB_VERSION;
        }
        put(bytes);
    }

    private void flush() throws SQLException {
        if (length > 0) {
            copy.writeToCopy(buffer, 0, length);
            length = 0;
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void putShort(int value) {
        ensure(2);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putInt(int value) {
        ensure(4);
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }
}
