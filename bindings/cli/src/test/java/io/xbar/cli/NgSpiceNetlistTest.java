// NgSpiceNetlistTest: `xbar spice solve` on seeded random resistor networks equals ngspice on the same files.
package io.xbar.cli;

import io.xbar.validation.NgSpice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xbar.reference.RandomNetworks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NgSpiceNetlistTest {
    static final double TOLERANCE = 1e-6;

    @TempDir
    Path dir;

    @BeforeEach
    void requireNgspice() {
        assumeTrue(NgSpice.isAvailable(), NgSpice.INSTALL_HINT);
    }

    @Test
    void xbarSpiceSolveEqualsNgspiceOnRandomNetworks() throws IOException {
        Random random = new Random(77);
        for (int trial = 0; trial < 16; trial++) {
            Path net = dir.resolve("random-" + trial + ".cir");
            // No 0-ohm resistors: ngspice replaces them by 1 mOhm, xbar shorts them exactly.
            Files.writeString(net, RandomNetworks.netlist(random, 2 + random.nextInt(trial < 12 ? 40 : 400), trial, false));
            Path json = dir.resolve("random-" + trial + ".json");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"spice", "solve", net.toString(), "--out", json.toString()},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            JsonNode xbar = new ObjectMapper().readTree(json.toFile());
            NgSpice.Result ng = NgSpice.run(net);

            JsonNode voltages = xbar.get("node_voltages");
            assertEquals(ng.nodeVoltages().size(), voltages.size(), "trial " + trial + ": node count");
            double vmax = ng.nodeVoltages().values().stream().mapToDouble(Math::abs).max().orElse(0) + 1e-300;
            for (Iterator<Map.Entry<String, JsonNode>> it = voltages.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(ng.voltage(e.getKey()), e.getValue().doubleValue(), TOLERANCE * vmax, "trial " + trial + ": v(" + e.getKey() + ")");
            }
            JsonNode currents = xbar.get("source_currents");
            assertEquals(ng.sourceCurrents().size(), currents.size(), "trial " + trial + ": source count");
            double imax = ng.sourceCurrents().values().stream().mapToDouble(Math::abs).max().orElse(0) + 1e-300;
            for (Iterator<Map.Entry<String, JsonNode>> it = currents.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(ng.current(e.getKey()), e.getValue().doubleValue(), TOLERANCE * imax, "trial " + trial + ": i(" + e.getKey() + ")");
            }
        }
    }
}
