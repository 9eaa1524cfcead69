package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channel to the "agent" that holds the workspace. Like remoting, it sends every {@link Callable} as bytes and
 * the result (or the exception) back as bytes: {@link #call} Java-serializes the callable, deserializes a copy, runs
 * the copy, and round-trips what it returned or threw. A callable (or result) that is not serializable fails here
 * exactly where it would fail between a Jenkins controller and an agent.
 */
public final class SerializingChannel implements VirtualChannel {
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> callableTypes = Collections.synchronizedList(new ArrayList<>());
    private final ClassLoader loader;

    SerializingChannel(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T, InterruptedException {
        calls.incrementAndGet();
        callableTypes.add(callable.getClass().getName());
        @SuppressWarnings("unchecked")
        Callable<V, T> copy = (Callable<V, T>) roundTrip(callable, "the callable sent to the agent");
        V result;
        try {
            result = copy.call();
        } catch (Throwable t) {
            Throwable back = (Throwable) roundTrip(t, "the exception thrown on the agent");
            throw PipelineExecution.<RuntimeException>sneaky(back);
        }
        @SuppressWarnings("unchecked")
        V back = (V) roundTrip(result, "the result returned by " + callable.getClass().getName());
        return back;
    }

    /** How many callables went through this channel. */
    public int calls() {
        return calls.get();
    }

    /** The class names of the callables sent, in order. */
    public List<String> callableTypes() {
        synchronized (callableTypes) {
            return List.copyOf(callableTypes);
        }
    }

    Object roundTrip(Object o, String what) throws IOException {
        if (o == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            NotSerializableException x = new NotSerializableException(e.getMessage() + " (in " + what + ")");
            x.initCause(e);
            throw x;
        }
        try (ObjectInputStream in = new LoaderInput(new ByteArrayInputStream(bytes.toByteArray()), loader)) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("cannot read back " + what + ": " + e, e);
        }
    }

    @Override
    public void close() {
    }

    @Override
    public void join() {
    }

    @Override
    public void join(long timeout) {
    }

    @Override
    public <T> T export(Class<T> type, T instance) {
        return instance;
    }

    @Override
    public void syncLocalIO() {
    }

    /** Resolves classes with the harness' loader (the test class path), as the agent's remoting class loader would. */
    static final class LoaderInput extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInput(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
