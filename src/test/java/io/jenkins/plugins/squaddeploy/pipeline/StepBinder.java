package io.jenkins.plugins.squaddeploy.pipeline;

import groovy.lang.Closure;
import groovy.lang.GString;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.beans.Introspector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.codehaus.groovy.reflection.ReflectionCache;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Turns pipeline arguments into the plugin's real {@link Step} and {@link Describable} objects the way Jenkins does
 * it: workflow-cps' {@code DSL.parseArgs} (named arguments, GStrings flattened to Strings, a single unnamed argument
 * bound to the sole required parameter) and structs' {@code DescribableModel} (the {@link DataBoundConstructor}
 * parameters by name, then the {@link DataBoundSetter} methods and fields, the same coercion rules and the same
 * messages). Differences, each switchable by the harness: an unknown key is a {@code WARNING:} line on the console as
 * in Jenkins, or an error when {@code strictUnknownParameters}; a required constructor parameter that is missing is
 * an error naming it, unless {@code lenientMissingArguments} (Jenkins itself passes null or the VM default).
 */
public final class StepBinder {
    static final String ANONYMOUS_KEY = "<anonymous>";
    static final String CLAZZ = "$class";

    private static volatile Catalog catalog;

    private StepBinder() {
    }

    // ---------------------------------------------------------------- discovery

    /** A plugin step: its function name, class, descriptor and argument model. */
    record PluginStep(String functionName, Class<? extends Step> type, StepDescriptor descriptor, Model model) {
        Set<? extends Class<?>> requiredContext() {
            return descriptor.getRequiredContext();
        }
    }

    /** The steps and {@link Symbol symbols} (nested describables such as {@code httpCheck}) of the plugin. */
    record Catalog(Map<String, PluginStep> steps, Map<String, Model> symbols) {
    }

    /** The plugin's steps and symbols: every class of the {@code steps} package (and below) of the compiled plugin. */
    static Catalog catalog() {
        Catalog c = catalog;
        if (c == null) {
            synchronized (StepBinder.class) {
                c = catalog;
                if (c == null) {
                    c = scan(io.jenkins.plugins.squaddeploy.steps.VerifyHealthStep.class, "io.jenkins.plugins.squaddeploy.steps");
                    catalog = c;
                }
            }
        }
        return c;
    }

    /**
     * Finds, in the directory or jar that holds {@code anchor}, every concrete {@link Step} with a nested
     * {@link StepDescriptor} (registered under {@link StepDescriptor#getFunctionName()}) and every concrete
     * {@link Describable} whose nested descriptor has a {@link Symbol} (registered under each symbol).
     */
    static Catalog scan(Class<?> anchor, String packageName) {
        Map<String, PluginStep> steps = new TreeMap<>();
        Map<String, Model> symbols = new TreeMap<>();
        for (Class<?> c : classesUnder(anchor, packageName)) {
            if (Modifier.isAbstract(c.getModifiers()) || c.isInterface()) {
                continue;
            }
            if (Step.class.isAssignableFrom(c)) {
                StepDescriptor d = nestedDescriptor(c, StepDescriptor.class);
                if (d != null) {
                    @SuppressWarnings("unchecked")
                    Class<? extends Step> type = (Class<? extends Step>) c;
                    steps.put(d.getFunctionName(), new PluginStep(d.getFunctionName(), type, d, new Model(c)));
                }
            } else if (Describable.class.isAssignableFrom(c)) {
                for (Class<?> nested : c.getDeclaredClasses()) {
                    Symbol s = nested.getAnnotation(Symbol.class);
                    if (s != null && Descriptor.class.isAssignableFrom(nested)) {
                        Model m = new Model(c);
                        for (String name : s.value()) {
                            symbols.put(name, m);
                        }
                    }
                }
            }
        }
        return new Catalog(Collections.unmodifiableMap(steps), Collections.unmodifiableMap(symbols));
    }

    private static <D> D nestedDescriptor(Class<?> c, Class<D> base) {
        for (Class<?> nested : c.getDeclaredClasses()) {
            if (base.isAssignableFrom(nested) && Modifier.isStatic(nested.getModifiers()) && !Modifier.isAbstract(nested.getModifiers())
                    && nested.isAnnotationPresent(Extension.class)) {
                try {
                    Constructor<?> k = nested.getDeclaredConstructor();
                    k.setAccessible(true);
                    return base.cast(k.newInstance());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create the descriptor " + nested.getName() + " as Jenkins would", e);
                }
            }
        }
        return null;
    }

    private static List<Class<?>> classesUnder(Class<?> anchor, String packageName) {
        try {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                return classesUnder(location, packageName, anchor.getClassLoader());
            }
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                return classesUnder(jar.getPath("/"), packageName, anchor.getClassLoader());
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Class<?>> classesUnder(Path root, String packageName, ClassLoader loader) throws IOException {
        Path pkg = root.resolve(packageName.replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(pkg)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList())) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                if (name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                try {
                    out.add(Class.forName(name, false, loader));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- running a step

    /** How long a step may still run, and what to throw when that time is up. */
    interface Limit {
        long remainingNanos();

        PipelineInterruptedException expired();
    }

    /** A fixed limit, for running a step outside a pipeline. */
    static Limit limit(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        return new Limit() {
            @Override
            public long remainingNanos() {
                return end - System.nanoTime();
            }

            @Override
            public PipelineInterruptedException expired() {
                return new PipelineInterruptedException(hudson.model.Result.ABORTED, null, "The step did not finish within " + d);
            }
        };
    }

    /**
     * Starts a step as CpsStepContext does ({@code step.start(context)}, then {@code execution.start()}) and waits
     * for its outcome: the value passed to {@code context.onSuccess}, or the throwable passed to
     * {@code onFailure}, rethrown. A step still running when the limit is up is stopped
     * ({@code execution.stop(cause)}) and the interruption is thrown.
     */
    static Object start(Step step, TestStepContext context, Limit limit) throws Throwable {
        StepExecution execution = step.start(context);
        boolean synchronous = execution.start();
        if (synchronous && !context.outcome().isDone()) {
            throw new IllegalStateException(step.getClass().getName() + ": start() returned true but the step did not call onSuccess/onFailure");
        }
        try {
            while (true) {
                long wait = limit.remainingNanos();
                if (wait <= 0) {
                    PipelineInterruptedException cause = limit.expired();
                    execution.stop(cause);
                    try {
                        context.outcome().get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException ignored) {
                        // stopped
                    }
                    throw cause;
                }
                try {
                    return context.outcome().get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException ignored) {
                    // look at the limit again: a timeout block may have ended sooner
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Runs a step outside a pipeline: {@link #start(Step, TestStepContext, Limit)} with a fixed limit. */
    public static Object run(Step step, TestStepContext context, Duration limit) throws Throwable {
        return start(step, context, limit(limit));
    }

    // ---------------------------------------------------------------- DSL.parseArgs

    /** The arguments of one call, as workflow-cps' DSL splits them: named arguments and the block, if any. */
    record Parsed(Map<String, Object> named, Closure<?> body) {
    }

    /**
     * Splits Groovy call arguments as {@code DSL.parseArgs}: a trailing closure is the body when the step takes one;
     * a single map is the named arguments; a single other value is bound to {@code soleArgumentKey} (or, when there
     * is none, kept under {@link #ANONYMOUS_KEY}, which instantiation rejects as Jenkins does); more than one
     * unnamed argument is an error.
     */
    static Parsed parseArgs(Object[] args, boolean expectsBlock, String soleArgumentKey) {
        List<Object> a = new ArrayList<>(Arrays.asList(args == null ? new Object[0] : args));
        Closure<?> body = null;
        if (!a.isEmpty() && a.get(a.size() - 1) instanceof Closure<?> c && expectsBlock) {
            body = c;
            a.remove(a.size() - 1);
        }
        if (a.size() == 1 && a.get(0) instanceof Map<?, ?> m && !m.containsKey(CLAZZ)) {
            return new Parsed(named(m), body);
        }
        switch (a.size()) {
            case 0:
                return new Parsed(new LinkedHashMap<>(), body);
            case 1:
                Map<String, Object> single = new LinkedHashMap<>();
                single.put(soleArgumentKey != null ? soleArgumentKey : ANONYMOUS_KEY, flattenGString(a.get(0)));
                return new Parsed(single, body);
            default:
                throw new IllegalArgumentException("Expected named arguments but got " + a);
        }
    }

    private static Map<String, Object> named(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(String.valueOf(e.getKey()), flattenGString(e.getValue()));
        }
        return out;
    }

    /** GStrings become Strings, also inside lists and maps (DSL.flattenGString). */
    static Object flattenGString(Object v) {
        if (v instanceof GString) {
            return v.toString();
        } else if (v instanceof List<?> list) {
            boolean mutated = false;
            List<Object> r = new ArrayList<>();
            for (Object o : list) {
                Object o2 = flattenGString(o);
                mutated |= o != o2;
                r.add(o2);
            }
            return mutated ? r : v;
        } else if (v instanceof Map<?, ?> map) {
            boolean mutated = false;
            Map<Object, Object> r = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object k = flattenGString(e.getKey());
                Object o = flattenGString(e.getValue());
                mutated |= k != e.getKey() || o != e.getValue();
                r.put(k, o);
            }
            return mutated ? r : v;
        }
        return v;
    }

    // ---------------------------------------------------------------- DescribableModel

    /** How strict instantiation is (see the class comment). */
    record Rules(boolean strictUnknownParameters, boolean lenientMissingArguments) {
        static final Rules DEFAULT = new Rules(false, false);
    }

    /** One parameter: a constructor argument (required) or a setter / setter field (optional). */
    record Param(String name, Type type, boolean required, Method setterMethod, Field setterField) {
        void set(Object target, Object value) throws ReflectiveOperationException {
            if (setterMethod != null) {
                setterMethod.setAccessible(true);
                setterMethod.invoke(target, value);
            } else {
                setterField.setAccessible(true);
                setterField.set(target, value);
            }
        }

        String setterDisplayName() {
            return setterMethod != null
                    ? setterMethod.getDeclaringClass().getName() + "." + setterMethod.getName() + "()"
                    : setterField.getDeclaringClass().getName() + "." + setterField.getName();
        }

        @Override
        public String toString() {
            return name + (required ? "" : "?") + ": " + typeName(type);
        }
    }

    /** The data-binding model of one class, as structs' {@code DescribableModel}. */
    static final class Model {
        private final Class<?> type;
        private final Constructor<?> constructor;
        private final String[] constructorParamNames;
        private final Map<String, Param> parameters = new LinkedHashMap<>();

        Model(Class<?> type) {
            this.type = type;
            Constructor<?> found = null;
            for (Constructor<?> c : type.getConstructors()) {
                if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                    found = c;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException(type + " has no public @DataBoundConstructor");
            }
            this.constructor = found;
            Parameter[] ps = found.getParameters();
            this.constructorParamNames = new String[ps.length];
            Type[] types = found.getGenericParameterTypes();
            for (int i = 0; i < ps.length; i++) {
                if (!ps[i].isNamePresent()) {
                    throw new IllegalStateException(type.getName() + ": constructor parameter names are not in the class file; compile with -parameters");
                }
                constructorParamNames[i] = ps[i].getName();
                parameters.put(ps[i].getName(), new Param(ps[i].getName(), types[i], true, null, null));
            }
            // the rest, sorted alphabetically; like structs, the superclass' setter wins a name clash
            Map<String, Param> rest = new TreeMap<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.isAnnotationPresent(DataBoundSetter.class)) {
                        rest.put(f.getName(), new Param(f.getName(), f.getGenericType(), false, null, f));
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(DataBoundSetter.class) && !m.isBridge()) {
                        if (!m.getName().startsWith("set") || m.getParameterCount() != 1) {
                            throw new IllegalStateException(m + " cannot be a @DataBoundSetter");
                        }
                        String name = Introspector.decapitalize(m.getName().substring(3));
                        rest.put(name, new Param(name, m.getGenericParameterTypes()[0], false, m, null));
                    }
                }
            }
            parameters.putAll(rest);
        }

        Class<?> type() {
            return type;
        }

        Map<String, Param> parameters() {
            return Collections.unmodifiableMap(parameters);
        }

        /** The only required parameter, if there is exactly one (what a single unnamed argument binds to). */
        Param soleRequiredParameter() {
            Param rp = null;
            for (Param p : parameters.values()) {
                if (p.required()) {
                    if (rp != null) {
                        return null;
                    }
                    rp = p;
                }
            }
            return rp;
        }

        String soleRequiredName() {
            Param p = soleRequiredParameter();
            return p == null ? null : p.name();
        }

        /**
         * Creates the object as {@code DescribableModel.instantiate(arguments, listener)} does.
         *
         * @param warnings where unknown parameters are reported ({@code WARNING: Unknown parameter(s) ...}); with
         *                 null, or under {@link Rules#strictUnknownParameters()}, they are an error instead
         */
        Object instantiate(Map<String, ?> arguments, PrintStream warnings, Rules rules) {
            Map<String, ?> args = arguments;
            if (args.containsKey(ANONYMOUS_KEY)) {
                if (args.size() != 1) {
                    throw new IllegalArgumentException("All arguments have to be named but it has " + ANONYMOUS_KEY);
                }
                Param rp = soleRequiredParameter();
                if (rp == null) {
                    throw new IllegalArgumentException("Arguments to " + type + " have to be explicitly named");
                }
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(rp.name(), args.get(ANONYMOUS_KEY));
                args = one;
            }
            List<String> unknown = new ArrayList<>();
            for (String k : args.keySet()) {
                if (!parameters.containsKey(k) && !CLAZZ.equals(k)) {
                    unknown.add(k);
                }
            }
            if (!unknown.isEmpty()) {
                String msg = "WARNING: Unknown parameter(s) found for class type '" + type.getName() + "': " + String.join(",", unknown);
                if (warnings == null || rules.strictUnknownParameters()) {
                    throw new IllegalArgumentException(msg);
                }
                warnings.println(msg);
            }
            if (!rules.lenientMissingArguments()) {
                List<String> missing = new ArrayList<>();
                for (String n : constructorParamNames) {
                    if (args.get(n) == null) {
                        missing.add(n);
                    }
                }
                if (!missing.isEmpty()) {
                    throw new IllegalArgumentException("Could not instantiate " + args + " for " + this + ": missing required parameter"
                            + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
                }
            }
            try {
                Object[] cargs = buildArguments(args, warnings, rules);
                Object o;
                try {
                    o = constructor.newInstance(cargs);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
                injectSetters(o, args, warnings, rules);
                return o;
            } catch (Exception x) {
                throw new IllegalArgumentException("Could not instantiate " + args + " for " + this + ": " + x, x);
            }
        }

        private Object[] buildArguments(Map<String, ?> bag, PrintStream warnings, Rules rules) throws Exception {
            Type[] types = constructor.getGenericParameterTypes();
            Object[] args = new Object[constructorParamNames.length];
            for (int i = 0; i < args.length; i++) {
                String name = constructorParamNames[i];
                Object a = bag.get(name);
                if (a != null) {
                    args[i] = coerce(type.getName() + "." + name, types[i], a, warnings, rules);
                } else if (types[i] instanceof Class<?> c && c.isPrimitive()) {
                    args[i] = vmDefault(c);
                }
            }
            return args;
        }

        private void injectSetters(Object o, Map<String, ?> arguments, PrintStream warnings, Rules rules) throws Exception {
            for (Param p : parameters.values()) {
                if (!p.required() && arguments.containsKey(p.name())) {
                    try {
                        p.set(o, coerce(p.setterDisplayName(), p.type(), arguments.get(p.name()), warnings, rules));
                    } catch (InvocationTargetException e) {
                        throw e.getCause() instanceof Exception x ? x : e;
                    }
                }
            }
        }

        @Override
        public String toString() {
            return type.getSimpleName() + "(" + parameters.values().stream().map(Param::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    /** {@code DescribableModel.coerce}: converts a pipeline value to a parameter's type, or fails with its message. */
    static Object coerce(String context, Type type, Object o, PrintStream warnings, Rules rules) throws Exception {
        Class<?> erased = erasure(type);
        if (type instanceof Class<?>) {
            o = ReflectionCache.getCachedClass(erased).coerceArgument(o);
        }
        if (o instanceof List<?> list && Collection.class.isAssignableFrom(erased)) {
            return coerceList(context, typeArgument(type), list, warnings, rules);
        } else if (wrap(erased).isInstance(o)) {
            return o;
        } else if (o == null) {
            return null;
        } else if (o instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                m.put((String) e.getKey(), e.getValue());
            }
            Class<?> clazz = resolveClass(erased, (String) m.remove(CLAZZ));
            return new Model(clazz).instantiate(m, warnings, rules);
        } else if (o instanceof String s && erased.isEnum()) {
            return enumValue(erased, s);
        } else if (o instanceof String s && erased == URL.class) {
            return URI.create(s).toURL();
        } else if (o instanceof String s && (erased == char.class || erased == Character.class) && s.length() == 1) {
            return s.charAt(0);
        } else if (o instanceof List<?> list && erased.isArray()) {
            Class<?> component = erased.getComponentType();
            List<Object> l = coerceList(context, component, list, warnings, rules);
            Object array = Array.newInstance(component, l.size());
            for (int i = 0; i < l.size(); i++) {
                Array.set(array, i, l.get(i));
            }
            return array;
        }
        throw new ClassCastException(context + " expects " + type + " but received " + o.getClass());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String s) {
        return Enum.valueOf((Class) type, s);
    }

    private static List<Object> coerceList(String context, Type type, List<?> list, PrintStream warnings, Rules rules) throws Exception {
        List<Object> r = new ArrayList<>();
        for (Object elt : list) {
            r.add(coerce(context, type, elt, warnings, rules));
        }
        return r;
    }

    /** A {@code $class} name (fully qualified, or simple among the known describables), or the type itself if concrete. */
    private static Class<?> resolveClass(Class<?> base, String name) throws ClassNotFoundException {
        if (name != null) {
            if (name.contains(".")) {
                return Class.forName(name, true, StepBinder.class.getClassLoader());
            }
            Set<Class<?>> candidates = new LinkedHashSet<>();
            for (Model m : catalog().symbols().values()) {
                if (base.isAssignableFrom(m.type()) && m.type().getSimpleName().equals(name)) {
                    candidates.add(m.type());
                }
            }
            if (candidates.size() > 1) {
                throw new UnsupportedOperationException(name + " as a " + base + " could mean either of " + candidates);
            }
            if (candidates.isEmpty()) {
                throw new UnsupportedOperationException("no known implementation of " + base + " is named " + name);
            }
            return candidates.iterator().next();
        }
        if (Modifier.isAbstract(base.getModifiers())) {
            throw new UnsupportedOperationException("must specify " + CLAZZ + " with an implementation of " + base);
        }
        return base;
    }

    static Class<?> erasure(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        } else if (t instanceof ParameterizedType p) {
            return erasure(p.getRawType());
        } else if (t instanceof GenericArrayType g) {
            return Array.newInstance(erasure(g.getGenericComponentType()), 0).getClass();
        } else if (t instanceof WildcardType w) {
            return erasure(w.getUpperBounds()[0]);
        } else if (t instanceof TypeVariable<?> v) {
            return erasure(v.getBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(Type t) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > 0) {
            Type a = p.getActualTypeArguments()[0];
            return a instanceof WildcardType w ? w.getUpperBounds()[0] : a;
        }
        return Object.class;
    }

    static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return Array.get(Array.newInstance(c, 1), 0).getClass();
    }

    private static Object vmDefault(Class<?> primitive) {
        return Array.get(Array.newInstance(primitive, 1), 0);
    }

    static String typeName(Type t) {
        Class<?> e = erasure(t);
        if (Collection.class.isAssignableFrom(e)) {
            return typeName(typeArgument(t)) + "[]";
        }
        if (e.isArray()) {
            return typeName(e.getComponentType()) + "[]";
        }
        return e.getSimpleName();
    }
}
