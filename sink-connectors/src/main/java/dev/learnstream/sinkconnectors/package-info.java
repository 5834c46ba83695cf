/** The JDBC sink into PostgreSQL, exactly-once with stored offsets (sink issue). */
package dev.learnstream.sinkconnectors;
