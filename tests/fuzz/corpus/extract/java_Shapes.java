package com.example.shapes;

import java.util.List;

/**
 * Shapes and their areas.
 */
@SuppressWarnings("unchecked")
public final class Shapes {
  public static final double PI = 3.14159;
  private static final String[] NAMES = {"circle", "square"};
  private final int count = 0;  // final but not static: no constant

  /** Creates shapes. */
  public Shapes(int count) {
    this.count = count;
  }

  public static <T extends Shape> double total(List<T> shapes) {
    String text = "double fake() { return 0; }";
    return 0;
  }

  @Override
  public String toString() {
    return "Shapes // not a comment";
  }

  protected abstract void render(Canvas canvas) throws IOException;

  private final Runnable task = new Runnable() {
    @Override
    public void run() {}
  };

  static {
    System.loadLibrary("shapes");
  }

  interface Shape {
    int SIDES = 0;
    double area();
    default String name() { return "shape"; }
  }

  enum Kind {
    CIRCLE("c"),
    SQUARE("s") {
      @Override
      String label() { return "square"; }
    },
    @Deprecated
    TRIANGLE("t");

    private final String code;

    Kind(String code) { this.code = code; }

    String label() { return code; }
  }

  record Pair(int left, int right) {
    Pair {
      if (left > right) throw new IllegalArgumentException();
    }
  }

  public @interface Marker {
    String value() default "";
  }

  String block = """
      class NotAClass {
        void notAMethod() {}
      }
      """;
}
