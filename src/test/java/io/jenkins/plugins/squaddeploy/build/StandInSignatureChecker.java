package io.jenkins.plugins.squaddeploy.build;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.AnnotationDeclaration;
import com.github.javaparser.ast.body.AnnotationMemberDeclaration;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithModifiers;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.TypeParameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks stand-in sources (src/standin/java) against {@code signatures.txt}, the real Jenkins declarations.
 *
 * <p>For every type (nested ones too, named {@code Outer.Inner}) the checker computes the header and every
 * public/protected member (interface and annotation members count as public unless {@code private}; enum constants
 * always), normalised like the file: comments and bodies dropped, field initial values dropped, {@code final} on
 * parameters dropped, and the annotations the file drops ignored. Declarations are compared token by token, so
 * whitespace does not matter.
 * <ul>
 *   <li>A <b>member</b> passes when it equals a line of its type, or equals it once some of the line's leading
 *       annotations are removed (an annotation written in the stand-in must be on the line). An explicit no-argument
 *       constructor may also match a {@code # ... implicit default constructor} comment line.</li>
 *   <li>A <b>header</b> is compared structurally (the file's header line is parsed with JavaParser): same kind, name,
 *       modifiers and type parameters; the stand-in's annotations must be on the line, and each of its
 *       {@code extends}/{@code implements} entries must be one of the line's (omitting supertypes is allowed).</li>
 *   <li>Every <b>top-level type</b> must have lines in the file.</li>
 *   <li>A class without constructors gets an implicit default constructor: it must be declared in the file (as a line
 *       or as a {@code #} implicit-constructor line) unless the type is in {@link #TOLERATED_IMPLICIT_CONSTRUCTORS}.</li>
 *   <li><b>Imports</b>: a simple type name used in a checked declaration must resolve as the file's {@code # resolve}
 *       line says (an import of another type with that name, or a missing import, is reported).</li>
 * </ul>
 * Use {@link #checkSource} for one source text (handy in tests) or {@link #checkTree} for a source root.
 */
public final class StandInSignatureChecker {

    /** Annotations that signatures.txt drops (see its header); the stand-in may carry them freely. */
    public static final Set<String> IGNORABLE_ANNOTATIONS = Set.of(
            "Override", "CheckForNull", "NonNull", "Nonnull", "Nullable", "CheckReturnValue", "SuppressFBWarnings",
            "SuppressWarnings", "Serial", "WithBridgeMethods", "Exported", "OverrideMustInvoke", "SafeVarargs",
            "Initializer", "Whitelisted");

    /**
     * Classes whose implicit public constructor is accepted although Jenkins declares explicit constructors that are
     * not in the file's subset: tests must be able to subclass them.
     */
    public static final Map<String, String> TOLERATED_IMPLICIT_CONSTRUCTORS = Map.of(
            "hudson.Launcher", "tests subclass it as a local launcher; Launcher(TaskListener, VirtualChannel) is not in the subset",
            "hudson.model.Run", "tests subclass it; Run(JobT) and friends are not in the subset",
            "hudson.model.Job", "tests subclass it; Job(ItemGroup, String) needs the undeclared ItemGroup",
            "hudson.model.AbstractItem", "Job's superclass; AbstractItem(ItemGroup, String) needs the undeclared ItemGroup");

    private static final String IMPLICIT_CTOR_MARKER = ": no constructor in source; implicit default constructor: ";

    /** One stand-in declaration without a matching signature line. */
    public record Problem(String location, String declaration, String reason) {
        @Override
        public String toString() {
            return location + ": " + reason + (declaration.isEmpty() ? "" : "\n        " + declaration);
        }
    }

    /** The lines of one type in signatures.txt. */
    private static final class TypeLines {
        String header;
        final List<String> members = new ArrayList<>();
        final List<String> implicitConstructors = new ArrayList<>();
    }

    private final Map<String, TypeLines> types = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> resolve = new HashMap<>();
    private final Map<String, Optional<TypeDeclaration<?>>> parsedHeaders = new HashMap<>();
    private final JavaParser parser = new JavaParser(
            new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));
    private final List<String> declaredTypes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int checkedDeclarations;

    private StandInSignatureChecker(String signatures) {
        for (String raw : signatures.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# resolve ")) {
                int colon = line.indexOf(": ");
                String fqn = line.substring("# resolve ".length(), colon);
                Map<String, String> names = new HashMap<>();
                for (String entry : line.substring(colon + 2).split(",\\s*")) {
                    int eq = entry.indexOf('=');
                    names.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
                }
                resolve.put(fqn, names);
            } else if (line.startsWith("#")) {
                int marker = line.indexOf(IMPLICIT_CTOR_MARKER);
                if (marker > 0) {
                    String fqn = line.substring(1, marker).strip();
                    type(fqn).implicitConstructors.add(line.substring(marker + IMPLICIT_CTOR_MARKER.length()));
                }
            } else {
                int a = line.indexOf(" | ");
                int b = line.indexOf(" | ", a + 3);
                if (a < 0 || b < 0) {
                    throw new IllegalArgumentException("Not a signature line: " + line);
                }
                TypeLines t = type(line.substring(0, a));
                String declaration = line.substring(b + 3);
                if (t.header == null) {
                    t.header = declaration;
                } else {
                    t.members.add(declaration);
                }
            }
        }
    }

    private TypeLines type(String fqn) {
        return types.computeIfAbsent(fqn, k -> new TypeLines());
    }

    public static StandInSignatureChecker fromText(String signatures) {
        return new StandInSignatureChecker(signatures);
    }

    public static StandInSignatureChecker fromFile(Path signatures) {
        try {
            return new StandInSignatureChecker(Files.readString(signatures, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of types described by the signature file. */
    public int signatureTypeCount() {
        return types.size();
    }

    /** Number of lines (header included, '#' lines excluded) recorded for a type in signatures.txt; 0 if none. */
    public int lineCount(String fqn) {
        TypeLines t = types.get(fqn);
        return t == null || t.header == null ? 0 : 1 + t.members.size();
    }

    /** FQNs of the types described by signatures.txt. */
    public Set<String> signatureTypes() {
        return Collections.unmodifiableSet(types.keySet());
    }

    /** FQNs (with '.' for nested types) of every type seen by the last checks. */
    public List<String> declaredTypes() {
        return Collections.unmodifiableList(declaredTypes);
    }

    /** Number of declarations (headers and members) compared by the checks so far. */
    public int checkedDeclarations() {
        return checkedDeclarations;
    }

    /** Accepted deviations (tolerated implicit constructors), for the log. */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /** Checks every {@code .java} file under {@code sourceRoot}. */
    public List<Problem> checkTree(Path sourceRoot) {
        List<Problem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                problems.addAll(checkSource(sourceRoot.relativize(file).toString(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }

    /** Checks one compilation unit; {@code path} is only used in messages. */
    public List<Problem> checkSource(String path, String source) {
        List<Problem> problems = new ArrayList<>();
        ParseResult<CompilationUnit> result = parser.parse(source);
        if (!result.isSuccessful() || result.getResult().isEmpty()) {
            problems.add(new Problem(path, "", "does not parse: " + result.getProblems()));
            return problems;
        }
        CompilationUnit cu = result.getResult().get();
        String pkg = cu.getPackageDeclaration().map(p -> p.getNameAsString()).orElse("");
        FileContext ctx = new FileContext(path, pkg, cu);
        for (TypeDeclaration<?> type : cu.getTypes()) {
            String fqn = pkg.isEmpty() ? type.getNameAsString() : pkg + "." + type.getNameAsString();
            ctx.resolveMap = resolve.getOrDefault(fqn, Map.of());
            if (!types.containsKey(fqn)) {
                problems.add(new Problem(ctx.at(type), renderHeader(type),
                        "top-level type " + fqn + " has no lines in signatures.txt"));
                continue;
            }
            checkType(ctx, type, fqn, isVisible(type, false), problems);
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------ types

    private void checkType(FileContext ctx, TypeDeclaration<?> type, String fqn, boolean visible, List<Problem> problems) {
        if (!visible) {
            return; // private / package-private types are implementation details
        }
        declaredTypes.add(fqn);
        TypeLines lines = types.get(fqn);
        if (lines == null) {
            problems.add(new Problem(ctx.at(type), renderHeader(type), "type " + fqn + " has no lines in signatures.txt"));
            return;
        }
        checkedDeclarations++;
        String headerProblem = compareHeader(type, fqn, lines.header);
        if (headerProblem != null) {
            problems.add(new Problem(ctx.at(type), renderHeader(type),
                    "header does not match `" + lines.header + "`: " + headerProblem));
        }
        checkNames(ctx, headerOnly(type), type, fqn, problems);

        boolean interfaceLike = type instanceof AnnotationDeclaration
                || (type instanceof ClassOrInterfaceDeclaration c && c.isInterface());
        if (type instanceof EnumDeclaration e) {
            for (EnumConstantDeclaration constant : e.getEntries()) {
                checkMember(ctx, constant, List.of(constant.getNameAsString()),
                        new EnumConstantDeclaration(constant.getNameAsString()), fqn, lines, problems);
            }
        }
        boolean hasConstructor = false;
        for (BodyDeclaration<?> member : type.getMembers()) {
            if (member instanceof TypeDeclaration<?> nested) {
                checkType(ctx, nested, fqn + "." + nested.getNameAsString(), isVisible(nested, interfaceLike), problems);
                continue;
            }
            if (member instanceof ConstructorDeclaration) {
                hasConstructor = true;
            }
            if (!(member instanceof NodeWithModifiers<?> withModifiers) || !isVisible(withModifiers, interfaceLike)) {
                continue;
            }
            if (member instanceof FieldDeclaration field) {
                for (VariableDeclarator variable : field.getVariables()) {
                    List<String> tokens = new ArrayList<>();
                    for (AnnotationExpr a : field.getAnnotations()) {
                        if (!isIgnorable(a)) {
                            tokens.addAll(tokens(a.toString()));
                        }
                    }
                    for (Modifier m : field.getModifiers()) {
                        tokens.add(m.getKeyword().asString());
                    }
                    tokens.addAll(tokens(variable.getType().toString()));
                    tokens.add(variable.getNameAsString());
                    checkMember(ctx, field, tokens, signatureOnly(field), fqn, lines, problems);
                }
            } else if (member instanceof MethodDeclaration
                    || member instanceof ConstructorDeclaration
                    || member instanceof AnnotationMemberDeclaration) {
                Node clean = signatureOnly(member);
                List<String> tokens = tokens(clean.toString());
                if (member instanceof ConstructorDeclaration) {
                    tokens = tokens.subList(0, tokens.size() - 2); // the emptied body "{ }"
                } else if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals(";")) {
                    tokens = tokens.subList(0, tokens.size() - 1);
                }
                checkMember(ctx, member, tokens, clean, fqn, lines, problems);
            }
        }
        if (type instanceof ClassOrInterfaceDeclaration c && !c.isInterface() && !hasConstructor) {
            checkImplicitConstructor(ctx, c, fqn, lines, problems);
        }
    }

    private void checkImplicitConstructor(FileContext ctx, ClassOrInterfaceDeclaration c, String fqn, TypeLines lines,
                                          List<Problem> problems) {
        String access = c.hasModifier(Modifier.Keyword.PUBLIC) ? "public "
                : c.hasModifier(Modifier.Keyword.PROTECTED) ? "protected " : null;
        if (access == null) {
            return;
        }
        String implicit = access + c.getNameAsString() + "()";
        List<String> tokens = tokens(implicit);
        boolean declared = Stream.concat(lines.members.stream(), lines.implicitConstructors.stream())
                .anyMatch(line -> tokens(line).equals(tokens));
        if (declared) {
            return;
        }
        String reason = TOLERATED_IMPLICIT_CONSTRUCTORS.get(fqn);
        if (reason != null) {
            notes.add(fqn + ": implicit `" + implicit + "` is not in signatures.txt, tolerated: " + reason);
        } else {
            problems.add(new Problem(ctx.at(c), implicit, "implicit default constructor of " + fqn
                    + " is not in signatures.txt (declare a private or package-private constructor)"));
        }
    }

    // ------------------------------------------------------------------------------------------ members

    private void checkMember(FileContext ctx, Node member, List<String> tokens, Node signatureNode, String fqn,
                             TypeLines lines, List<Problem> problems) {
        checkedDeclarations++;
        Split mine = split(tokens);
        List<String> candidates = new ArrayList<>(lines.members);
        if (member instanceof ConstructorDeclaration) {
            candidates.addAll(lines.implicitConstructors);
        }
        checkNames(ctx, signatureNode, member, fqn, problems);
        for (String line : candidates) {
            Split theirs = split(tokens(line));
            if (mine.rest.equals(theirs.rest) && containsAll(theirs.annotations, mine.annotations)) {
                return;
            }
        }
        problems.add(new Problem(ctx.at(member), String.join(" ", tokens),
                "no matching line for " + fqn + " in signatures.txt"));
    }

    /** A copy of a member without body, initial values, comments, ignorable annotations and final on parameters. */
    private static Node signatureOnly(BodyDeclaration<?> member) {
        BodyDeclaration<?> copy = member.clone();
        if (copy instanceof MethodDeclaration m) {
            m.removeBody();
            cleanParameters(m.getParameters());
        } else if (copy instanceof ConstructorDeclaration c) {
            c.setBody(new BlockStmt());
            cleanParameters(c.getParameters());
        } else if (copy instanceof FieldDeclaration f) {
            f.getVariables().forEach(VariableDeclarator::removeInitializer);
        }
        removeIgnorable(copy.getAnnotations());
        return copy;
    }

    private static void cleanParameters(NodeList<Parameter> parameters) {
        for (Parameter p : parameters) {
            new ArrayList<>(p.getModifiers()).stream()
                    .filter(m -> m.getKeyword() == Modifier.Keyword.FINAL)
                    .forEach(Modifier::remove);
            removeIgnorable(p.getAnnotations());
        }
    }

    private static void removeIgnorable(NodeList<AnnotationExpr> annotations) {
        new ArrayList<>(annotations).stream().filter(StandInSignatureChecker::isIgnorable).forEach(AnnotationExpr::remove);
    }

    private static boolean isIgnorable(AnnotationExpr a) {
        return IGNORABLE_ANNOTATIONS.contains(a.getName().getIdentifier());
    }

    private static boolean isVisible(NodeWithModifiers<?> node, boolean inInterface) {
        if (node.hasModifier(Modifier.Keyword.PUBLIC) || node.hasModifier(Modifier.Keyword.PROTECTED)) {
            return true;
        }
        return inInterface && !node.hasModifier(Modifier.Keyword.PRIVATE);
    }

    // ------------------------------------------------------------------------------------------ headers

    private String compareHeader(TypeDeclaration<?> mine, String fqn, String headerLine) {
        Optional<TypeDeclaration<?>> parsed = parsedHeaders.computeIfAbsent(fqn, k -> parseHeader(headerLine));
        if (parsed.isEmpty()) {
            return "the signature header line does not parse";
        }
        TypeDeclaration<?> theirs = parsed.get();
        if (!kind(mine).equals(kind(theirs))) {
            return "kind " + kind(mine) + " instead of " + kind(theirs);
        }
        if (!mine.getNameAsString().equals(theirs.getNameAsString())) {
            return "name " + mine.getNameAsString() + " instead of " + theirs.getNameAsString();
        }
        if (!modifiers(mine).equals(modifiers(theirs))) {
            return "modifiers " + modifiers(mine) + " instead of " + modifiers(theirs);
        }
        if (!typeParameters(mine).equals(typeParameters(theirs))) {
            return "type parameters " + typeParameters(mine) + " instead of " + typeParameters(theirs);
        }
        List<String> myAnnotations = annotations(mine);
        List<String> theirAnnotations = annotations(theirs);
        if (!containsAll(theirAnnotations, myAnnotations)) {
            return "annotations " + myAnnotations + " are not all among " + theirAnnotations;
        }
        List<String> myExtends = supertypes(mine, true);
        List<String> theirExtends = supertypes(theirs, true);
        if (!theirExtends.containsAll(myExtends)) {
            return "extends " + myExtends + " is not a subset of " + theirExtends;
        }
        List<String> myImplements = supertypes(mine, false);
        List<String> theirImplements = supertypes(theirs, false);
        if (!theirImplements.containsAll(myImplements)) {
            return "implements " + myImplements + " is not a subset of " + theirImplements;
        }
        return null;
    }

    private Optional<TypeDeclaration<?>> parseHeader(String headerLine) {
        // Wrapped in a class so that member-only modifiers (protected, static) parse.
        ParseResult<CompilationUnit> r = parser.parse("class SignatureHeaderWrapper {\n" + headerLine + " {}\n}\n");
        if (!r.isSuccessful() || r.getResult().isEmpty()) {
            return Optional.empty();
        }
        TypeDeclaration<?> wrapper = r.getResult().get().getType(0);
        return wrapper.getMembers().stream()
                .filter(m -> m instanceof TypeDeclaration<?>)
                .<TypeDeclaration<?>>map(m -> (TypeDeclaration<?>) m)
                .findFirst();
    }

    private static String kind(TypeDeclaration<?> t) {
        if (t instanceof AnnotationDeclaration) {
            return "@interface";
        }
        if (t instanceof EnumDeclaration) {
            return "enum";
        }
        if (t instanceof RecordDeclaration) {
            return "record";
        }
        return ((ClassOrInterfaceDeclaration) t).isInterface() ? "interface" : "class";
    }

    private static List<String> modifiers(TypeDeclaration<?> t) {
        return t.getModifiers().stream().map(m -> m.getKeyword().asString()).sorted().collect(Collectors.toList());
    }

    private static List<String> typeParameters(TypeDeclaration<?> t) {
        if (t instanceof ClassOrInterfaceDeclaration c) {
            return c.getTypeParameters().stream().map(tp -> joined(tp.toString())).collect(Collectors.toList());
        }
        if (t instanceof RecordDeclaration r) {
            return r.getTypeParameters().stream().map(tp -> joined(tp.toString())).collect(Collectors.toList());
        }
        return List.of();
    }

    private static List<String> annotations(TypeDeclaration<?> t) {
        return t.getAnnotations().stream().filter(a -> !isIgnorable(a)).map(a -> joined(a.toString()))
                .collect(Collectors.toList());
    }

    private static List<String> supertypes(TypeDeclaration<?> t, boolean extended) {
        NodeList<ClassOrInterfaceType> list;
        if (t instanceof ClassOrInterfaceDeclaration c) {
            list = extended ? c.getExtendedTypes() : c.getImplementedTypes();
        } else if (t instanceof EnumDeclaration e) {
            list = extended ? new NodeList<>() : e.getImplementedTypes();
        } else if (t instanceof RecordDeclaration r) {
            list = extended ? new NodeList<>() : r.getImplementedTypes();
        } else {
            list = new NodeList<>();
        }
        return list.stream().map(x -> joined(x.toString())).collect(Collectors.toList());
    }

    /** A copy of the type's header (annotations, type parameters, supertypes) without members. */
    private static Node headerOnly(TypeDeclaration<?> type) {
        TypeDeclaration<?> copy = type.clone();
        copy.getMembers().clear();
        if (copy instanceof EnumDeclaration e) {
            e.getEntries().clear();
        }
        removeIgnorable(copy.getAnnotations());
        return copy;
    }

    private static String renderHeader(TypeDeclaration<?> t) {
        StringBuilder sb = new StringBuilder();
        t.getAnnotations().forEach(a -> sb.append(joined(a.toString())).append(' '));
        t.getModifiers().forEach(m -> sb.append(m.getKeyword().asString()).append(' '));
        sb.append(kind(t)).append(' ').append(t.getNameAsString());
        List<String> tps = typeParameters(t);
        if (!tps.isEmpty()) {
            sb.append('<').append(String.join(", ", tps)).append('>');
        }
        List<String> ext = supertypes(t, true);
        if (!ext.isEmpty()) {
            sb.append(" extends ").append(String.join(", ", ext));
        }
        List<String> impl = supertypes(t, false);
        if (!impl.isEmpty()) {
            sb.append(" implements ").append(String.join(", ", impl));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ imports

    /** Per-file state for the name-resolution check. */
    private static final class FileContext {
        final String path;
        final String pkg;
        final Map<String, String> explicitImports = new HashMap<>();
        final Set<String> wildcardPackages = new HashSet<>();
        final Set<String> typeParameterNames = new HashSet<>();
        final Set<String> localTypes = new HashSet<>();
        Map<String, String> resolveMap = Map.of();

        FileContext(String path, String pkg, CompilationUnit cu) {
            this.path = path;
            this.pkg = pkg;
            for (ImportDeclaration i : cu.getImports()) {
                if (i.isStatic()) {
                    continue;
                }
                if (i.isAsterisk()) {
                    wildcardPackages.add(i.getNameAsString());
                } else {
                    explicitImports.put(i.getName().getIdentifier(), i.getNameAsString());
                }
            }
            cu.findAll(TypeParameter.class).forEach(tp -> typeParameterNames.add(tp.getNameAsString()));
            for (TypeDeclaration<?> t : cu.getTypes()) {
                collectLocalTypes(t, pkg.isEmpty() ? t.getNameAsString() : pkg + "." + t.getNameAsString());
            }
        }

        private void collectLocalTypes(TypeDeclaration<?> t, String fqn) {
            localTypes.add(fqn);
            for (BodyDeclaration<?> m : t.getMembers()) {
                if (m instanceof TypeDeclaration<?> nested) {
                    collectLocalTypes(nested, fqn + "." + nested.getNameAsString());
                }
            }
        }

        String at(Node node) {
            return path + ":" + node.getBegin().map(p -> p.line).orElse(0);
        }
    }

    private void checkNames(FileContext ctx, Node declaration, Node original, String fqn, List<Problem> problems) {
        Set<String> names = new TreeSet<>();
        for (ClassOrInterfaceType t : declaration.findAll(ClassOrInterfaceType.class)) {
            if (t.getScope().isEmpty()) {
                names.add(t.getNameAsString());
            }
        }
        for (AnnotationExpr a : declaration.findAll(AnnotationExpr.class)) {
            if (a.getName().getQualifier().isEmpty()) {
                names.add(a.getName().getIdentifier());
            }
        }
        for (String name : names) {
            if (Character.isLowerCase(name.charAt(0)) || ctx.typeParameterNames.contains(name)
                    && !ctx.explicitImports.containsKey(name)) {
                continue; // a package-qualified name, or a type variable
            }
            String imported = ctx.explicitImports.get(name);
            String expected = ctx.resolveMap.get(name);
            String where = ctx.at(original);
            if (imported != null) {
                if (!imported.equals(expected)) {
                    problems.add(new Problem(where, name, "in " + fqn + ", " + name + " is imported as " + imported
                            + " but signatures.txt resolves it to "
                            + (expected == null ? "the same package or java.lang" : expected)));
                }
            } else if (expected != null) {
                String expectedPackage = expected.substring(0, expected.lastIndexOf('.'));
                boolean resolves = expectedPackage.equals(ctx.pkg)
                        || ctx.wildcardPackages.contains(expectedPackage)
                        || ctx.localTypes.contains(expected);
                if (!resolves) {
                    problems.add(new Problem(where, name, "in " + fqn + ", " + name
                            + " must be imported as " + expected + " (see the # resolve line)"));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ tokens

    /** A declaration split into its leading annotations and the rest, as token lists. */
    private record Split(List<String> annotations, List<String> rest) {
    }

    private static Split split(List<String> t) {
        List<String> annotations = new ArrayList<>();
        int i = 0;
        int n = t.size();
        while (i + 1 < n && t.get(i).equals("@") && !t.get(i + 1).equals("interface")) {
            int start = i;
            i += 2;
            while (i + 1 < n && t.get(i).equals(".") && isIdentifier(t.get(i + 1))) {
                i += 2;
            }
            if (i < n && t.get(i).equals("(")) {
                int depth = 0;
                do {
                    if (t.get(i).equals("(")) {
                        depth++;
                    } else if (t.get(i).equals(")")) {
                        depth--;
                    }
                    i++;
                } while (i < n && depth > 0);
            }
            annotations.add(String.join(" ", t.subList(start, i)));
        }
        return new Split(annotations, new ArrayList<>(t.subList(i, n)));
    }

    private static boolean containsAll(List<String> haystack, List<String> needles) {
        List<String> remaining = new ArrayList<>(haystack);
        for (String needle : needles) {
            if (!remaining.remove(needle)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifier(String token) {
        return !token.isEmpty() && Character.isJavaIdentifierStart(token.charAt(0));
    }

    private static String joined(String text) {
        return String.join(" ", tokens(text));
    }

    /** Java tokens: identifiers/keywords, number and string/char literals, and single punctuation characters. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(s.charAt(i))) {
                    i++;
                }
                out.add(s.substring(start, i));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_')) {
                    i++;
                }
                out.add(s.substring(start, i));
            } else if (c == '"' || c == '\'') {
                int start = i++;
                while (i < n && s.charAt(i) != c) {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                i = Math.min(i + 1, n);
                out.add(s.substring(start, i));
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }
}
