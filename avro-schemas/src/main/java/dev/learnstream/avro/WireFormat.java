package dev.learnstream.avro;

/** Confluent wire format: magic byte 0, the schema id as a big-endian int32, then Avro binary. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private WireFormat() {
    }
}
