package dev.vigil.agent;

import dev.vigil.agent.bootstrap.AttachedState;
import java.util.Arrays;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;

/**
 * Adds a private {@code Object} field and {@link AttachedState}'s accessors to a class as it is
 * loaded. Only for a first load, or a retransformation of a class that got them then: a class that
 * is already loaded without the field cannot be given one. Stateless.
 */
enum StateField implements AsmVisitorWrapper {
  INSTANCE;

  private static final String INTERFACE = Type.getInternalName(AttachedState.class);
  private static final String DESCRIPTOR = "Ljava/lang/Object;";

  /** Whether {@code redefined} (null on a first load) can carry the field after this transform. */
  static boolean applies(Class<?> redefined) {
    return redefined == null
        || Arrays.asList(redefined.getInterfaces()).contains(AttachedState.class);
  }

  @Override
  public int mergeWriter(int flags) {
    return flags;
  }

  @Override
  public int mergeReader(int flags) {
    return flags;
  }

  @Override
  public ClassVisitor wrap(
      TypeDescription instrumentedType,
      ClassVisitor classVisitor,
      Implementation.Context implementationContext,
      TypePool typePool,
      FieldList<FieldDescription.InDefinedShape> fields,
      MethodList<?> methods,
      int writerFlags,
      int readerFlags) {
    return new ClassVisitor(Opcodes.ASM9, classVisitor) {
      private String owner;
      private boolean present;

      @Override
      public void visit(
          int version,
          int access,
          String name,
          String signature,
          String superName,
          String[] interfaces) {
        owner = name;
        String[] all = interfaces == null ? new String[0] : interfaces;
        present = Arrays.asList(all).contains(INTERFACE);
        if (!present) {
          all = Arrays.copyOf(all, all.length + 1);
          all[all.length - 1] = INTERFACE;
        }
        super.visit(version, access, name, signature, superName, all);
      }

      @Override
      public void visitEnd() {
        if (!present) {
          int synthetic = Opcodes.ACC_SYNTHETIC;
          super.visitField(
                  Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | synthetic,
                  AttachedState.FIELD,
                  DESCRIPTOR,
                  null,
                  null)
              .visitEnd();
          MethodVisitor get =
              super.visitMethod(
                  Opcodes.ACC_PUBLIC | synthetic,
                  AttachedState.FIELD,
                  "()" + DESCRIPTOR,
                  null,
                  null);
          get.visitCode();
          get.visitVarInsn(Opcodes.ALOAD, 0);
          get.visitFieldInsn(Opcodes.GETFIELD, owner, AttachedState.FIELD, DESCRIPTOR);
          get.visitInsn(Opcodes.ARETURN);
          get.visitMaxs(1, 1);
          get.visitEnd();
          MethodVisitor set =
              super.visitMethod(
                  Opcodes.ACC_PUBLIC | synthetic,
                  AttachedState.FIELD,
                  "(" + DESCRIPTOR + ")V",
                  null,
                  null);
          set.visitCode();
          set.visitVarInsn(Opcodes.ALOAD, 0);
          set.visitVarInsn(Opcodes.ALOAD, 1);
          set.visitFieldInsn(Opcodes.PUTFIELD, owner, AttachedState.FIELD, DESCRIPTOR);
          set.visitInsn(Opcodes.RETURN);
          set.visitMaxs(2, 2);
          set.visitEnd();
        }
        super.visitEnd();
      }
    };
  }
}
