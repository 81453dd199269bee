/**
 * Kafka's topic name rule (Topic.validate): 1 to 249 characters of [a-zA-Z0-9._-], and not '.'
 * or '..' (they would name the log directory's parent). 249 leaves room for the partition
 * suffix and Kafka's '.deleted' markers within a 255-byte file name.
 */
export const TOPIC_NAME_LENGTH_MAX = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or null when it is. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'Topic name is empty.';
  if (name === '.' || name === '..') return `Topic name cannot be "${name}".`;
  if (name.length > TOPIC_NAME_LENGTH_MAX) {
    return `Topic name is longer than ${TOPIC_NAME_LENGTH_MAX} characters: ${name.length}.`;
  }
  if (!LEGAL.test(name)) return `Topic name "${name}" contains characters other than ASCII alphanumerics, '.', '_' and '-'.`;
  return null;
}

/**
 * The key two topic names collide under: Kafka's metric names replace '.' with '_', so
 * 'a.b' and 'a_b' cannot both exist (Topic.hasCollision).
 */
export function topicCollisionKey(name: string): string {
  return name.replaceAll('.', '_');
}
