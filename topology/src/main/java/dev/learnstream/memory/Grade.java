package dev.learnstream.memory;

/** The four FSRS review grades. Again means the learner failed to recall. */
public enum Grade {
    AGAIN(1), HARD(2), GOOD(3), EASY(4);

    private final int value;

    Grade(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public boolean recalled() {
        return this != AGAIN;
    }

    public static Grade of(int value) {
        return switch (value) {
            case 1 -> AGAIN;
            case 2 -> HARD;
            case 3 -> GOOD;
            case 4 -> EASY;
            default -> throw new IllegalArgumentException("A grade is 1 (Again) to 4 (Easy), got " + value);
        };
    }
}
