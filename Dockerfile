# LearnStream's image: the launcher and its dependencies on a JRE. One image, several roles:
#   docker run learnstream service   (topology + query API; the default)
#   docker run learnstream sink      (JDBC sink into PostgreSQL)
#   docker run learnstream simulate --kafka … --registry …
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests install \
 && mvn -B -q -pl launcher dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp launcher/target/launcher-*.jar /app/learnstream.jar

FROM eclipse-temurin:17-jre
# curl for the compose healthchecks.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /var/lib/learnstream learnstream \
 && mkdir -p /var/lib/learnstream/state && chown learnstream /var/lib/learnstream/state
COPY --from=build /app /app
USER learnstream
WORKDIR /var/lib/learnstream
ENV LEARNSTREAM_STATE_DIR=/var/lib/learnstream/state
EXPOSE 8080 9404
# Parallel GC, as the launcher script: shorter young pauses, a lower query p99 (README).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-cp", "/app/learnstream.jar:/app/lib/*", "dev.learnstream.cli.Main"]
CMD ["service"]
