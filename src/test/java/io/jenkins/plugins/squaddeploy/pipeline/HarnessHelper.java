package io.jenkins.plugins.squaddeploy.pipeline;

import com.cloudbees.groovy.cps.Continuation;
import com.cloudbees.groovy.cps.Envs;
import com.cloudbees.groovy.cps.Next;
import com.cloudbees.groovy.cps.ObjectInputStreamWithLoader;
import com.cloudbees.groovy.cps.impl.CpsCallableInvocation;
import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS;
import com.lesfurets.jenkins.unit.global.lib.LibraryRecord;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.MetaMethod;
import groovy.lang.Script;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JenkinsPipelineUnit's CPS helper, driven the way workflow-cps drives a program. Every closure, script method and
 * library var the pipeline runs is stepped through groovy-cps here (JenkinsPipelineUnit's own loops are replaced), so
 * the harness knows the live program state at any moment and can:
 * <ul>
 * <li>{@link #checkpoint(String) check it at every step boundary}: the whole program state (all active frames:
 * blocks, local variables, continuations, the script and its binding) is Java-serialized and read back, which is
 * what Jenkins does when it saves a running pipeline. A non-serializable local that is live across a step fails
 * there with {@link NotSerializableException}, naming the variable. As in workflow-cps (its {@code IteratorHack}),
 * the iterators of {@code for} loops and the entries/key sets/values of maps count as serializable;</li>
 * <li>stop a program whose {@code timeout} (or the harness' own limit) has run out, even in a Groovy loop.</li>
 * </ul>
 */
final class HarnessHelper extends PipelineTestHelperCPS {
    private final Deque<Frame> active = new ArrayDeque<>();
    private PipelineExecution exec;

    /** One running groovy-cps loop and the continuation it is executing now. */
    private static final class Frame {
        Next current;
    }

    void bind(PipelineExecution exec) {
        this.exec = exec;
    }

    /** Drops JenkinsPipelineUnit's own handler for {@code name} (it has defaults for parallel, load, libraryResource). */
    void forget(String name) {
        allowedMethodCallbacks.keySet().removeIf(k -> k.getName().equals(name));
    }

    /**
     * As JenkinsPipelineUnit's, but a var's {@code call} is reached with any number of arguments: its own callback takes
     * one, so {@code withDeployCredentials(environment: 'x') { ... }} (a map and a closure) failed with "No signature".
     */
    @Override
    protected void setGlobalVars(groovy.lang.Binding binding) {
        super.setGlobalVars(binding);
        for (LibraryRecord r : libLoader.getLibRecords().values()) {
            for (Map.Entry<String, Object> e : r.getDefinedGlobalVars().entrySet()) {
                if (e.getValue() instanceof Script script) {
                    for (MetaMethod m : script.getMetaClass().getMethods()) {
                        if (m.getName().equals("call")) {
                            registerAllowedMethod(com.lesfurets.jenkins.unit.MethodSignature.method(script.getClass().getName(),
                                    m.getNativeParameterTypes()), new VarCall(this, m, script));
                        }
                    }
                }
            }
        }
    }

    /** The callback of one {@code call} method of a var: invokes it with the arguments as given. */
    static final class VarCall extends Closure<Object> {
        private static final long serialVersionUID = 1L;
        private final transient MetaMethod method;
        private final transient Script script;

        VarCall(Object owner, MetaMethod method, Script script) {
            super(owner);
            this.method = method;
            this.script = script;
        }

        public Object doCall(Object... args) {
            return method.doMethodInvoke(script, args);
        }
    }

    GroovyClassLoader classLoader() {
        return gse.getGroovyClassLoader();
    }

    /** The libraries loaded so far, as {@code name@version}. */
    List<String> loadedLibraries() {
        List<String> out = new ArrayList<>();
        for (LibraryRecord r : libLoader.getLibRecords().values()) {
            out.add(r.getIdentifier());
        }
        return out;
    }

    // ---------------------------------------------------------------- running CPS code

    @Override
    public Object callClosure(Closure closure) {
        return callClosure(closure, null);
    }

    @Override
    public Object callClosure(Closure closure, Object[] args) {
        if (closure instanceof DslClosure dsl) {
            return dsl.invoke(args == null ? new Object[0] : args);
        }
        try {
            return args == null || args.length == 0 ? closure.call() : closure.call(args);
        } catch (CpsCallableInvocation inv) {
            return drive(inv);
        }
    }

    @Override
    protected Object callMethod(MetaMethod method, Object delegate, Object[] args) {
        try {
            return method.doMethodInvoke(delegate, args);
        } catch (CpsCallableInvocation inv) {
            return drive(inv);
        }
    }

    @Override
    protected Object runScriptInternal(Script script) {
        try {
            return script.run();
        } catch (CpsCallableInvocation inv) {
            return drive(inv);
        }
    }

    /** Calls a method the pipeline script defines, through groovy-cps. */
    Object callScriptMethod(MetaMethod method, Object script, Object[] args) {
        return callMethod(method, script, args);
    }

    private Object drive(CpsCallableInvocation inv) {
        Frame f = new Frame();
        active.push(f);
        Next next;
        try {
            next = inv.invoke(Envs.empty(new CpsMismatchGuard()), null, Continuation.HALT);
            while (next.yield == null) {
                if (exec != null) {
                    exec.checkInterrupt();
                }
                f.current = next;
                next = next.step();
            }
        } catch (Throwable t) {
            throw PipelineExecution.<RuntimeException>sneaky(t);
        } finally {
            active.remove(f);
        }
        try {
            return next.yield.replay();
        } catch (Throwable t) {
            throw PipelineExecution.<RuntimeException>sneaky(t);
        }
    }

    // ---------------------------------------------------------------- the serialization check

    /**
     * Serializes and reads back the state of every running CPS loop, innermost first, as Jenkins saves the program
     * when a step starts.
     *
     * @throws NotSerializableException naming the first local variable (or object) that cannot be saved
     */
    void checkpoint(String step) throws IOException {
        for (Frame f : active) {
            Next n = f.current;
            if (n != null) {
                try {
                    roundTrip(n);
                } catch (NotSerializableException e) {
                    throw explain(e, n, step);
                }
            }
        }
    }

    private void roundTrip(Object state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ProgramWriter(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStreamWithLoader in = new ObjectInputStreamWithLoader(new ByteArrayInputStream(bytes.toByteArray()), classLoader())) {
            in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("could not read back the pipeline state: " + e, e);
        }
    }

    /** Names the local variable that holds the object that could not be serialized, when one does. */
    private NotSerializableException explain(NotSerializableException e, Next n, String step) {
        String where = null;
        try {
            where = findLocal(n.e, new IdentityHashMap<>());
        } catch (RuntimeException ignored) {
            // best effort: the plain exception is still right
        }
        String msg = e.getMessage() + (where == null ? "" : " (" + where + ")") + ": the pipeline's state cannot be saved when step '"
                + step + "' starts";
        NotSerializableException x = new NotSerializableException(msg);
        x.initCause(e);
        return x;
    }

    private String findLocal(Object env, Map<Object, Boolean> seen) {
        if (env == null || seen.put(env, true) != null) {
            return null;
        }
        for (Class<?> c = env.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field fd : c.getDeclaredFields()) {
                try {
                    fd.setAccessible(true);
                    Object v = fd.get(env);
                    if (fd.getName().equals("locals") && v instanceof Map<?, ?> locals) {
                        for (Map.Entry<?, ?> e : locals.entrySet()) {
                            if (!serializable(e.getValue())) {
                                return "local variable '" + e.getKey() + "' holds a " + e.getValue().getClass().getName();
                            }
                        }
                    } else if (v instanceof com.cloudbees.groovy.cps.Env parent) {
                        String r = findLocal(parent, seen);
                        if (r != null) {
                            return r;
                        }
                    }
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // not an env field we can read
                }
            }
        }
        return null;
    }

    private static boolean serializable(Object o) {
        try (ObjectOutputStream out = new ProgramWriter(OutputStream.nullOutputStream())) {
            out.writeObject(o);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Java serialization with workflow-cps' {@code IteratorHack}: in Jenkins a {@code for} loop over a list, set or
     * map, and {@code map.keySet()}/{@code values()}/{@code entrySet()}, are serializable in CPS code (they are
     * replaced by serializable copies); here the JDK's own iterators, views and entries are replaced the same way.
     */
    static final class ProgramWriter extends ObjectOutputStream {
        ProgramWriter(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj == null || obj instanceof Serializable || !obj.getClass().getName().startsWith("java.util.")) {
                return obj;
            }
            if (obj instanceof Iterator<?>) {
                return new IteratorPlaceholder(obj.getClass().getName());
            }
            if (obj instanceof Map.Entry<?, ?> e) {
                return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue());
            }
            if (obj instanceof Set<?> s) {
                return new LinkedHashSet<>(s);
            }
            if (obj instanceof Collection<?> c) {
                return new ArrayList<>(c);
            }
            return obj;
        }
    }

    /** Stands for a JDK iterator in the saved state (IteratorHack saves the list and the cursor instead). */
    record IteratorPlaceholder(String type) implements Iterator<Object>, Serializable {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public Object next() {
            throw new java.util.NoSuchElementException();
        }
    }
}
