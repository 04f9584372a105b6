// NetworkCommandTest: without the xbar-network module on the class path, `xbar network` says so in one line (exit 2) and the other commands never load Spark.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkCommandTest {
    @Test
    void missingModuleIsOneLineNamingIt() {
        CommandTesting.refused(null, List.of("xbar network: the network module", "bindings/network", "not on the class path"),
                "network", "--model", "m", "--out", "o");
    }

    @Test
    void listedInHelpWithoutLoadingSpark() {
        CommandTesting.Run help = CommandTesting.run("help");
        assertTrue(help.out().contains("network"), help.out());
        // This module's class path has no Spark at all: the entry is a name, the command is loaded on use.
        assertFalse(Thread.currentThread().getContextClassLoader().getResource("org/apache/spark/SparkConf.class") != null);
    }
}
