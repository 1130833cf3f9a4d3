package io.fedrec.client.internal;

import io.fedrec.client.Recommendation;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the {@code k} best (item, score) pairs offered: higher score first, ties broken by the
 * lower item id. A bounded binary heap on primitive arrays whose root is the worst pair kept, so
 * offering {@code n} candidates costs {@code O(n log k)} without boxing.
 *
 * <p>Not thread-safe: one instance per ranking.
 */
public final class TopK {
  private final int[] items;
  private final float[] scores;
  private int size;

  public TopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1. Provided value: " + k);
    }
    items = new int[k];
    scores = new float[k];
  }

  /** Offers a candidate. */
  public void offer(int item, float score) {
    if (size < items.length) {
      items[size] = item;
      scores[size] = score;
      siftUp(size++);
    } else if (better(item, score, items[0], scores[0])) {
      items[0] = item;
      scores[0] = score;
      siftDown(0);
    }
  }

  /** The kept pairs, best first. */
  public List<Recommendation> result() {
    int n = size;
    int[] it = items.clone();
    float[] sc = scores.clone();
    Recommendation[] out = new Recommendation[n];
    // Pop the worst repeatedly into the back of the array.
    for (int last = n - 1; last >= 0; last--) {
      out[last] = new Recommendation(it[0], sc[0]);
      it[0] = it[last];
      sc[0] = sc[last];
      siftDown(it, sc, last, 0);
    }
    List<Recommendation> list = new ArrayList<>(n);
    for (Recommendation r : out) {
      list.add(r);
    }
    return list;
  }

  /** True when (item a, score sa) ranks before (item b, score sb). */
  static boolean better(int a, float sa, int b, float sb) {
    return sa > sb || (sa == sb && a < b);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      // the root is the worst: move i up while it is worse than its parent
      if (!better(items[parent], scores[parent], items[i], scores[i])) {
        return;
      }
      swap(items, scores, i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    siftDown(items, scores, size, i);
  }

  private static void siftDown(int[] items, float[] scores, int size, int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int worst = left;
      int right = left + 1;
      if (right < size && better(items[left], scores[left], items[right], scores[right])) {
        worst = right;
      }
      if (!better(items[i], scores[i], items[worst], scores[worst])) {
        return;
      }
      swap(items, scores, i, worst);
      i = worst;
    }
  }

  private static void swap(int[] items, float[] scores, int a, int b) {
    int ti = items[a];
    items[a] = items[b];
    items[b] = ti;
    float ts = scores[a];
    scores[a] = scores[b];
    scores[b] = ts;
  }
}
