/**
 * The real test environment: throwaway servers and containers for the project's tests.
 *
 * <p>Every fixture starts its own instance on a free 127.0.0.1 port ({@link FreePorts}) with its own
 * config and data in {@code /tmp/squadtest-<kind>-*}, waits until it really answers ({@link Poll}, with a
 * deadline), exposes host/port/credentials and is {@link java.lang.AutoCloseable}. Nothing started by
 * someone else is ever required, and a missing program fails the test with the Debian package to
 * install ({@link MissingBinaryException}; {@code .ci/install-testbed.sh} installs them all).
 *
 * <ul>
 *   <li>{@link PostgresFixture#create()}: PostgreSQL 15, scram-sha-256, app/app, stop()/crash()/start();</li>
 *   <li>{@link RedisFixture#create()}: redis-server with a generated requirepass; {@link Resp} speaks RESP;</li>
 *   <li>{@link NginxFixture#create(String)}, {@link HaproxyFixture#create(String)} (admin socket),
 *       {@link PrometheusFixture#create(java.util.List)}: config templates with {@code @PORT@}/{@code @DIR@},
 *       reload();</li>
 *   <li>{@link DockerFixture#get()}: the machine's Docker daemon (started if none answers);
 *       {@link SampleService#run}: a {@code squad-sample:<version>} container ({@link SampleServiceImage},
 *       built offline from busybox-static) with /health, /health/ready, /metrics and failure knobs.</li>
 * </ul>
 *
 * <p>Leaks: {@link Testbed} closes what is left at JVM exit and reaps processes, work dirs and containers
 * of earlier runs whose JVM died; {@link TestbedExtension} closes what a test class left open.
 * Debugging: {@code -Dsquad.testbed.keep=true} keeps work dirs (logs, configs) after close.
 */
package io.jenkins.plugins.squaddeploy.testbed;
