// StudyLayer: one layer of a network study as its workers receive it: the quantized weights and input batch, plain arrays.
package io.xbar.network;

import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;

import java.io.Serializable;

/**
 * A layer read and quantized once on the driver, exactly as {@code xbar nf} reads and quantizes
 * its {@code --weights} and {@code --inputs}; executors rebuild the kernel's records from it.
 *
 * @param name     the layer's name in {@code model.json}
 * @param inputs   {@code K}
 * @param outputs  {@code N_out}
 * @param q        row-major {@code K x N_out} quantized weights
 * @param weightScale {@code s_w}
 * @param batch    input vectors
 * @param positive row-major {@code batch x K} activation codes (first phase)
 * @param negative the second phase of signed inputs, or {@code null}
 * @param inputScale {@code s_x}
 */
record StudyLayer(String name, int inputs, int outputs, int[] q, double weightScale, int batch, int[] positive,
                  int[] negative, double inputScale) implements Serializable {

    static StudyLayer of(String name, QuantizedWeights w, QuantizedInputs x) {
        return new StudyLayer(name, w.inputs(), w.outputs(), w.q(), w.scale(), x.batch(), x.positive(), x.negative(),
                x.scale());
    }

    QuantizedWeights weights() {
        return new QuantizedWeights(inputs, outputs, q, weightScale);
    }

    QuantizedInputs activations() {
        return new QuantizedInputs(batch, inputs, positive, negative, inputScale);
    }
}
