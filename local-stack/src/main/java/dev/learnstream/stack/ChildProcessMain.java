package dev.learnstream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of the child JVMs the stack starts (broker, registry). It runs the real main class
 * and halts the JVM as soon as its standard input closes, which happens when the parent exits for
 * any reason, {@code kill -9} included. Java has no parent-death signal, so a pipe stands in.
 */
public final class ChildProcessMain {

    private ChildProcessMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ChildProcessMain <main class> [args...]");
        }
        final Thread watchdog = new Thread(ChildProcessMain::haltWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        final Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void haltWhenParentGoes() {
        final InputStream in = System.in;
        final byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // The parent never writes; reading just waits for end-of-stream.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-stream: the parent is gone.
        }
        Runtime.getRuntime().halt(0);
    }
}
