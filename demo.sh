#!/usr/bin/env bash
# Sluice demo: both appenders (Log4j2 and Logback) over relp+tls with a spool into the embedded RELP
# test server, which is killed and started again in the middle; live progress, then a table that
# ends with the number lost (zero). Needs JDK 17+ and Maven. Usage: ./demo.sh [EVENTS_PER_APPENDER]
set -euo pipefail
cd "$(dirname "$0")"
echo "demo: building (mvn -B -q -pl demo -am package -DskipTests) ..."
mvn -B -q -pl demo -am package -DskipTests
exec java -cp "demo/target/classes:$(cat demo/target/classpath.txt)" dev.sluice.demo.Demo "$@"
