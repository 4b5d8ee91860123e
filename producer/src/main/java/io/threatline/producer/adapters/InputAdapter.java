package io.threatline.producer.adapters;

import java.io.IOException;
import java.io.Reader;
import java.util.function.Consumer;

/**
 * Turns one input format into sensor events. An adapter streams: it hands each event or problem to
 * {@code out} as soon as it is read, and a bad record never stops the rest of the input.
 * {@link IOException} is only for failures to read the input itself.
 */
public interface InputAdapter {

    InputFormat format();

    /**
     * @param input      the input, read to its end
     * @param sourceName file name (or "stdin") used in every location
     * @param defaults   values for what the input does not say
     */
    void read(Reader input, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out) throws IOException;
}
