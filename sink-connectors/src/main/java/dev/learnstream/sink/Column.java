package dev.learnstream.sink;

/** A column of a result table. */
record Column(String name, SqlType type) {

    static Column text(String name) {
        return new Column(name, SqlType.TEXT);
    }

    static Column integer(String name) {
        return new Column(name, SqlType.INTEGER);
    }

    static Column bigint(String name) {
        return new Column(name, SqlType.BIGINT);
    }

    static Column number(String name) {
        return new Column(name, SqlType.DOUBLE);
    }

    static Column bool(String name) {
        return new Column(name, SqlType.BOOLEAN);
    }

    static Column time(String name) {
        return new Column(name, SqlType.TIMESTAMP);
    }

    static Column json(String name) {
        return new Column(name, SqlType.JSON);
    }
}
