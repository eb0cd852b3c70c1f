package com.example.registry;

import java.util.*;

@SuppressWarnings({"unchecked", "rawtypes"})
public sealed interface Registry<K, V> permits Registry.InMemory {

  Map<String, List<Integer>> DEFAULTS = Map.of();

  V lookup(K key);

  default Optional<V> find(K key) {
    return Optional.ofNullable(lookup(key));
  }

  static <K, V> Registry<K, V> empty() {
    return new InMemory<>();
  }

  final class InMemory<K, V> implements Registry<K, V> {
    private static final char OPEN = '{';
    private final Map<K, V> map = new HashMap<>() {{
      put(null, null);
    }};

    @Override
    public V lookup(K key) {
      Runnable r = () -> { System.out.println("}"); };
      return map.get(key);
    }

    public <T extends Comparable<? super T>> void sort(List<T> list) {}
  }

  enum Mode {
    FAST {
      @Override
      int cost() { return 1; }
    },
    SLOW {
      @Override
      int cost() { return 10; }
    };

    abstract int cost();
  }
}
