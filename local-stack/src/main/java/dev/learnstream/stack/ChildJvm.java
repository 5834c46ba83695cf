package dev.learnstream.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ChildProcessMain} around a main class, its output in a log file. Its
 * standard input stays open until {@link #close()}; when this JVM dies the pipe closes and the child
 * halts itself. The stack starts its parts this way; tests start services and sinks as processes
 * of their own the same way.
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
                          Path workDir, Path log) {
        return start(name, classpath, jvmOptions, mainClass, args, workDir, log, Map.of());
    }

    /** As above, with {@code environment} added to this JVM's own. */
    public static ChildJvm start(String name, String classpath, List<String> jvmOptions, String mainClass,
                                 List<String> args, Path workDir, Path log, Map<String, String> environment) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(ChildProcessMain.class.getName());
        command.add(mainClass);
        command.addAll(args);
        try {
            final ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            final Process process = builder.start();
            return new ChildJvm(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " JVM: " + e.getMessage(), e);
        }
    }

    /** The classpath entry holding {@link ChildProcessMain}, for children with a classpath of their own. */
    static String watchdogClasspathEntry() {
        try {
            return new File(ChildProcessMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the stack's own classes", e);
        }
    }

    /** The child process, for callers that signal it or wait for it themselves. */
    public Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Fails with the log's location if the child has exited. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
        }
    }

    /** Asks the child to stop (SIGTERM), then kills it if it has not stopped within 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the child without warning, as a crash would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
