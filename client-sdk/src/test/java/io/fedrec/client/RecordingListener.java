package io.fedrec.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records events as short strings, e.g. {@code "taskReceived 3"}. */
public class RecordingListener implements ClientEventListener {
  public final List<String> events = Collections.synchronizedList(new ArrayList<>());
  public final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onCheckIn(String clientId) {
    events.add("checkIn " + clientId);
  }

  @Override
  public void onRetry(Duration delay, String reason) {
    events.add("retry " + delay.toMillis() + " " + reason);
  }

  @Override
  public void onTaskReceived(long round) {
    events.add("taskReceived " + round);
  }

  @Override
  public void onModelUpdated(long version) {
    events.add("modelUpdated " + version);
  }

  @Override
  public void onUpdateSubmitted(long round, int users) {
    events.add("updateSubmitted " + round + " " + users);
  }

  @Override
  public void onPolicyRefusal(long round, String reason) {
    events.add("policyRefusal " + round + " " + reason);
  }

  @Override
  public void onUsersExcluded(long round, int users, String reason) {
    events.add("usersExcluded " + round + " " + users);
  }

  @Override
  public void onTaskFailed(long round, Throwable cause) {
    events.add("taskFailed " + round);
  }

  @Override
  public void onFinished(long lastRound) {
    events.add("finished " + lastRound);
  }

  @Override
  public void onError(Throwable error) {
    events.add("error");
    errors.add(error);
  }
}
