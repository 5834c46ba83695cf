package dev.learnstream.stack;

/** Test helper run as its own JVM: starts the embedded stack, prints the part pids, waits to be killed. */
public final class StackHolder {

    private StackHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        final LocalStack stack = LocalStack.start(LocalStack.Options.embedded());
        final StringBuilder line = new StringBuilder("PIDS");
        stack.pids().values().forEach(pid -> line.append(' ').append(pid));
        System.out.println(line);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
