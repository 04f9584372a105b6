// Master: the --master value of xbar network: an embedded local Spark, a standalone cluster, or in-process without Spark.
package io.xbar.network;

import io.xbar.cli.UsageException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code local}, {@code local[N]}, {@code local[*]} (optionally {@code [N,F]}: F attempts per task),
 * {@code spark://HOST:PORT[,HOST:PORT...]} or {@code in-process}.
 *
 * @param spark   the master URL Spark is given ({@code null} for in-process)
 * @param cluster a standalone cluster (needs executors, shipped jars, a reachable master)
 * @param hosts   the cluster's master addresses
 */
record Master(String given, String spark, boolean cluster, List<InetSocketAddress> hosts) {
    /** Attempts per task in local mode unless the user says otherwise (a cluster's default is 4 too). */
    static final int LOCAL_ATTEMPTS = 4;
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|[1-9][0-9]{0,4})(?:,([1-9][0-9]{0,2}))?\\])?");
    private static final Pattern CLUSTER = Pattern.compile("spark://(.+)");

    static Master parse(String s) {
        if (s.equals("in-process")) {
            return new Master(s, null, false, List.of());
        }
        Matcher m = LOCAL.matcher(s);
        if (m.matches()) {
            String cores = m.group(1) == null ? "1" : m.group(1);
            String attempts = m.group(2) == null ? Integer.toString(LOCAL_ATTEMPTS) : m.group(2);
            return new Master(s, "local[" + cores + "," + attempts + "]", false, List.of());
        }
        Matcher c = CLUSTER.matcher(s);
        if (c.matches()) {
            List<InetSocketAddress> hosts = new ArrayList<>();
            for (String hostPort : c.group(1).split(",", -1)) {
                int colon = hostPort.lastIndexOf(':');
                int port = -1;
                try {
                    port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
                } catch (NumberFormatException e) {
                    // reported below
                }
                if (port < 1 || port > 65535) {
                    throw new UsageException("--master " + s + ": '" + hostPort + "' is not HOST:PORT (port 1..65535)");
                }
                hosts.add(InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port));
            }
            return new Master(s, s, true, hosts);
        }
        throw new UsageException("--master must be local[*], local[N], spark://HOST:PORT or in-process, got '" + s + "'");
    }

    /** True when every master address is a loopback one (then the driver listens on loopback too). */
    boolean loopback() {
        if (!cluster) {
            return true;
        }
        for (InetSocketAddress a : hosts) {
            String h = a.getHostString();
            if (!(h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Connects to each master address in turn (at most {@code timeoutMillis} each): Spark itself would
     * retry an unreachable master for a minute before giving up.
     *
     * @throws UsageException naming the master and the reason when none answers
     */
    void requireReachable(int timeoutMillis) {
        String reason = "";
        for (InetSocketAddress a : hosts) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), timeoutMillis);
                return;
            } catch (IOException e) {
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (e instanceof java.net.UnknownHostException) {
                    reason = "unknown host " + a.getHostString();
                } else if (e instanceof java.net.SocketTimeoutException) {
                    reason = "no answer within " + timeoutMillis / 1000 + " s";
                }
            }
        }
        throw new UsageException("--master " + given + ": cannot reach the Spark master (" + reason
                + "); is it running and is the address right?");
    }
}
