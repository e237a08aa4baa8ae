package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.bootstrap.AttachedState;
import java.io.InputStream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class StateFieldTest {
  /** Stands in for a driver class. */
  public static class Target {
    public String hello() {
      return "hello";
    }
  }

  @Test
  void aClassLoadedWithTheFieldKeepsStatePerInstance() throws Exception {
    Class<?> type = load(withField(Target.class));
    Object a = type.getConstructor().newInstance();
    Object b = type.getConstructor().newInstance();

    assertThat(a).isInstanceOf(AttachedState.class);
    ((AttachedState) a).vigil$state("sql");
    assertThat(((AttachedState) a).vigil$state()).isEqualTo("sql");
    assertThat(((AttachedState) b).vigil$state()).isNull();
    assertThat(type.getMethod("hello").invoke(a)).isEqualTo("hello");
  }

  @Test
  void aClassThatAlreadyHasTheFieldIsNotGivenASecond() throws Exception {
    Class<?> type = load(withField(withField(Target.class)));
    assertThat(type.getDeclaredFields()).hasSize(1);
    assertThat(type.getInterfaces()).containsExactly(AttachedState.class);
  }

  @Test
  void onlyFirstLoadsAndClassesThatHaveItGetTheField() throws Exception {
    assertThat(StateField.applies(null)).isTrue();
    assertThat(StateField.applies(Target.class)).isFalse();
    assertThat(StateField.applies(load(withField(Target.class)))).isTrue();
  }

  private static byte[] withField(Class<?> type) throws Exception {
    return withField(type.getName(), bytes(type));
  }

  private static byte[] withField(String name, byte[] bytes) {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, bytes),
            ClassFileLocator.ForClassLoader.of(StateFieldTest.class.getClassLoader()));
    TypePool pool = TypePool.Default.of(locator);
    return new ByteBuddy()
        .decorate(pool.describe(name).resolve(), locator)
        .visit(StateField.INSTANCE)
        .make(pool)
        .getBytes();
  }

  private static byte[] withField(byte[] bytes) {
    return withField(Target.class.getName(), bytes);
  }

  private static byte[] bytes(Class<?> type) throws Exception {
    try (InputStream in =
        type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private static Class<?> load(byte[] bytes) {
    return new ClassLoader(StateFieldTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(Target.class.getName(), bytes, 0, bytes.length);
      }
    }.define();
  }
}
