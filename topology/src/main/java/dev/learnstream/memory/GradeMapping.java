package dev.learnstream.memory;

/**
 * Quiz score (0–100) to FSRS grade: below {@code hardFrom} Again, below {@code goodFrom} Hard,
 * below {@code easyFrom} Good, else Easy. The default treats 70% as the confidence baseline
 * (seed 000): below 70 Again, 70–79 Hard, 80–94 Good, 95+ Easy.
 */
public record GradeMapping(double hardFrom, double goodFrom, double easyFrom) {

    public static final GradeMapping DEFAULT = new GradeMapping(70, 80, 95);

    public GradeMapping {
        if (!(0 < hardFrom && hardFrom < goodFrom && goodFrom < easyFrom && easyFrom <= 100)) {
            throw new IllegalArgumentException("Grade thresholds must satisfy 0 < hard < good < easy <= 100, got hard="
                    + hardFrom + " good=" + goodFrom + " easy=" + easyFrom);
        }
    }

    /** Parses "70,80,95" (the setting's format). */
    public static GradeMapping parse(String thresholds) {
        final String[] parts = thresholds.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Grade thresholds are three scores 'hard,good,easy' (e.g. 70,80,95), got '"
                    + thresholds + "'");
        }
        try {
            return new GradeMapping(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Grade thresholds must be numbers, got '" + thresholds + "'", e);
        }
    }

    public Grade grade(double score) {
        if (score < hardFrom) {
            return Grade.AGAIN;
        }
        if (score < goodFrom) {
            return Grade.HARD;
        }
        return score < easyFrom ? Grade.GOOD : Grade.EASY;
    }
}
