#!/usr/bin/env bash
# Runs Maven with JDK 25: JAVA_HOME when it is a JDK 25, else the Temurin 25 under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/find-jdk.sh
exec mvn -B "$@"
