package dev.learnstream.topology;

import org.apache.avro.specific.SpecificRecord;

/** The outcome of decoding and validating one input record. */
sealed interface Checked {

    /** A decoded event that keeps every rule. */
    record Valid(SpecificRecord event) implements Checked {
    }

    /** A record for the dead-letter topic: its original bytes and why it was refused. */
    record Invalid(byte[] rawValue, DeadLetters.Stage stage, String errorClass, String message) implements Checked {
    }
}
