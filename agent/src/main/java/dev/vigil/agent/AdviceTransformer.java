package dev.vigil.agent;

import dev.vigil.agent.bootstrap.AgentLog;
import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;

/**
 * Applies advice with Byte Buddy's type pool and {@code Advice} only, without its {@code
 * AgentBuilder}: far fewer classes to load, and nothing that needs {@code sun.misc.Unsafe}. Classes
 * are decorated in place; the only new members are the state field of {@link StateField}, added on
 * first load (and again on retransformation of a class that has it), so retransformation works too.
 * Types are described from class files, never loaded, while matching. Thread-safe.
 */
final class AdviceTransformer implements ClassFileTransformer {
  private final List<TypeInstrumentation> instrumentations;
  private final List<AsmVisitorWrapper[]> wrappers;
  private final Instrumentation inst;
  private final Set<Module> readable;
  private final ClassFileLocator agentLocator;

  /** Class files of the bootstrap runtime, which the boot loader does not serve as resources. */
  private final ClassFileLocator runtimeLocator;

  private final Advice.ExceptionHandler exceptionHandler;
  // Advice only rewrites methods the class declares: listing the inherited ones too (Byte Buddy's
  // default method graph) would resolve the whole hierarchy with generics for nothing.
  private final ByteBuddy byteBuddy =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
  private final Map<ClassLoader, TypePool.CacheProvider> caches =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final TypePool.CacheProvider bootCache = new TypePool.CacheProvider.Simple();

  AdviceTransformer(
      List<TypeInstrumentation> instrumentations, Instrumentation inst, Set<Module> readable) {
    this.instrumentations = instrumentations;
    this.inst = inst;
    this.readable = readable;
    this.agentLocator = ClassFileLocator.ForClassLoader.of(VigilAgent.class.getClassLoader());
    Map<String, byte[]> runtime = VigilAgent.runtimeClasses;
    this.runtimeLocator = runtime == null ? agentLocator : new ClassFileLocator.Simple(runtime);
    this.exceptionHandler =
        AgentLog.isDebug()
            ? Advice.ExceptionHandler.Default.PRINTING
            : Advice.ExceptionHandler.Default.SUPPRESSING;
    this.wrappers = new ArrayList<>(Collections.nCopies(instrumentations.size(), null));
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] bytes) {
    String name = className.replace('/', '.');
    ClassFileLocator loaderLocator =
        loader == null
            ? ClassFileLocator.ForClassLoader.ofBootLoader()
            : ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader);
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, bytes), loaderLocator, runtimeLocator);
    TypePool pool = new TypePool.Default(cache(loader), locator, TypePool.Default.ReaderMode.FAST);
    TypePool.Resolution resolution = pool.describe(name);
    if (!resolution.isResolved()) {
      return null;
    }
    TypeDescription type = resolution.resolve();
    DynamicType.Builder<?> builder = null;
    boolean attach = false;
    for (int i = 0; i < instrumentations.size(); i++) {
      TypeInstrumentation t = instrumentations.get(i);
      if (!t.typeMatcher().matches(type)) {
        continue;
      }
      if (builder == null) {
        builder = byteBuddy.decorate(type, locator);
      }
      for (AsmVisitorWrapper w : wrappers(i, loaderLocator)) {
        builder = builder.visit(w);
      }
      attach |= t.attachesState();
    }
    if (builder == null) {
      return null;
    }
    if (attach && StateField.applies(classBeingRedefined)) {
      builder = builder.visit(StateField.INSTANCE);
    }
    if (module != null && module.isNamed()) {
      for (Module m : readable) {
        if (!module.canRead(m)) {
          inst.redefineModule(module, Set.of(m), Map.of(), Map.of(), Set.of(), Map.of());
        }
      }
    }
    byte[] out = builder.make(pool).getBytes();
    AgentLog.debug("instrumented " + name);
    return out;
  }

  /** Parses every advice class now, so the first instrumented class does not wait for it. */
  void warm() {
    for (int i = 0; i < instrumentations.size(); i++) {
      try {
        wrappers(i, agentLocator);
      } catch (RuntimeException e) {
        // The library's types are not visible from here; parsed with its class loader later.
      }
    }
  }

  private TypePool.CacheProvider cache(ClassLoader loader) {
    if (loader == null) {
      return bootCache;
    }
    return caches.computeIfAbsent(loader, l -> new TypePool.CacheProvider.Simple());
  }

  /** The advice of one instrumentation, parsed from the agent's class files on first use. */
  private synchronized AsmVisitorWrapper[] wrappers(int index, ClassFileLocator libraryLocator) {
    AsmVisitorWrapper[] w = wrappers.get(index);
    if (w == null) {
      AdviceSet set = instrumentations.get(index).advice(new AdviceSet());
      // Advice signatures name the library's types: resolve them where the library lives.
      ClassFileLocator adviceLocator =
          new ClassFileLocator.Compound(agentLocator, runtimeLocator, libraryLocator);
      TypePool agentPool = TypePool.Default.of(adviceLocator);
      w = new AsmVisitorWrapper[set.adviceClasses().size()];
      for (int i = 0; i < w.length; i++) {
        TypeDescription advice = agentPool.describe(set.adviceClasses().get(i)).resolve();
        w[i] =
            Advice.to(advice, adviceLocator)
                .withExceptionHandler(exceptionHandler)
                .on(set.methods().get(i));
      }
      wrappers.set(index, w);
    }
    return w;
  }
}
