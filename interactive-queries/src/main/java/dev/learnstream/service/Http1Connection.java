package dev.learnstream.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 client connection on a plain socket, for GETs between our own instances
 * (and the latency benchmark). It reads exactly one response per request (Content-Length or
 * chunked), so the connection can be used again. {@code java.net.http.HttpClient} did the same
 * job with several times the CPU per request, which on two cores showed up as forwarding latency.
 * Not thread-safe: one exchange at a time.
 */
public final class Http1Connection implements AutoCloseable {

    /** A whole response; header names in lower case. */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean keepAlive) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String hostHeader;
    /**
     * Bytes read from the socket and not yet consumed: {@code buffer[position, limit)}. Our own
     * buffer rather than a BufferedInputStream, whose every single-byte read takes a lock, and the
     * status and header lines are read byte by byte.
     */
    private final byte[] buffer = new byte[16_384];
    private int position;
    private int limit;

    private Http1Connection(Socket socket, String hostHeader) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.hostHeader = hostHeader;
    }

    /** Connects within {@code timeout}; every later read waits at most {@code timeout} too. */
    public static Http1Connection open(String host, int port, Duration timeout) throws IOException {
        final Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return new Http1Connection(socket, host + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The bytes of a GET of {@code pathAndQuery} with {@code headers}, to send with {@link #exchange(byte[])}. */
    public byte[] get(String pathAndQuery, Map<String, String> headers) {
        final StringBuilder request = new StringBuilder(256);
        request.append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sends a request made by {@link #get} and reads its whole response. */
    public Response exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        final String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1 status line: " + statusLine);
        }
        final int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine, e);
        }
        final Map<String, String> headers = new HashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            final int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
        }
        final boolean chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        final String length = headers.get("content-length");
        final byte[] body;
        if (chunked) {
            body = chunkedBody();
        } else if (length != null) {
            body = bytes(Integer.parseInt(length));
        } else if (status == 204 || status == 304) {
            body = new byte[0];
        } else {
            // Delimited by the end of the connection, which then cannot be used again.
            return new Response(status, headers, rest(), false);
        }
        final boolean keepAlive = !"close".equalsIgnoreCase(headers.get("connection"));
        return new Response(status, headers, body, keepAlive);
    }

    private byte[] chunkedBody() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            body.write(bytes(size));
            line();
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
            // Trailers carry nothing we use.
        }
        return body.toByteArray();
    }

    private int chunkSize() throws IOException {
        final String line = line();
        final int extension = line.indexOf(';');
        try {
            return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size: " + line, e);
        }
    }

    /** Whether bytes are buffered, reading more from the socket if none are; false at end of stream. */
    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        final int read = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(0, read);
        return read > 0;
    }

    /** Exactly {@code count} bytes; @throws IOException if the stream ends first. */
    private byte[] bytes(int count) throws IOException {
        final byte[] bytes = new byte[count];
        int filled = 0;
        while (filled < count) {
            if (!fill()) {
                throw new IOException("connection closed mid-body");
            }
            final int taken = Math.min(count - filled, limit - position);
            System.arraycopy(buffer, position, bytes, filled, taken);
            position += taken;
            filled += taken;
        }
        return bytes;
    }

    /** Everything up to the end of the stream. */
    private byte[] rest() throws IOException {
        final ByteArrayOutputStream rest = new ByteArrayOutputStream();
        while (fill()) {
            rest.write(buffer, position, limit - position);
            position = limit;
        }
        return rest.toByteArray();
    }

    /** One line without its CR LF (a bare LF also ends it), as ISO-8859-1 text. */
    private String line() throws IOException {
        final StringBuilder line = new StringBuilder(64);
        while (true) {
            if (!fill()) {
                throw new IOException("connection closed mid-response");
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            for (int i = position; i < end; i++) {
                if (buffer[i] != '\r') {
                    line.append((char) (buffer[i] & 0xFF));
                }
            }
            if (end < limit) {
                position = end + 1;
                return line.toString();
            }
            position = limit;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a connection that may already be broken; nothing more to do.
        }
    }
}
