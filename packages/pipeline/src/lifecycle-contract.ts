import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lifecycle } from './lifecycle.js';

/**
 * How a package puts one of its components through {@link describeLifecycleContract}.
 * Every check gets a fresh component from `create`.
 */
export interface LifecycleSubject<C extends Lifecycle> {
  create(): C | Promise<C>;
  /** Asserts that a started component does its work (it serves, consumes, exports). */
  assertStarted?(component: C): void | Promise<void>;
  /**
   * Puts work in flight that a shutdown has to finish (an export held by a
   * slow backend, a request half answered), so that a second shutdown has
   * something to wait for. Resolves once the work is under way.
   */
  load?(component: C): void | Promise<void>;
  /** Asserts that a shut-down component refuses work. */
  assertStopped?(component: C): void | Promise<void>;
  /** Releases what `create` made beside the component (directories, backends). */
  dispose?(component: C): void | Promise<void>;
}

/** How long the contract waits for handles a component opened to be closed after its shutdown. */
const HANDLE_RELEASE_MILLIS = 5_000;

/**
 * The lifecycle every component of the pipeline keeps (see {@link Lifecycle}),
 * registered as node:test cases under `describe(name)`:
 *
 * - concurrent `start()` calls share one start: both resolve, the component
 *   works, and after shutdown it holds no more handles (servers, sockets,
 *   referenced timers) than right after it was created, so nothing was
 *   opened twice or left open;
 * - a second `shutdown()` resolves only after the first has finished, and
 *   a third after both;
 * - `shutdown()` before `start()` resolves, and a later `start()` is refused
 *   with an error that says the component was shut down;
 * - `start()` after a finished shutdown is refused the same way;
 * - a `shutdown()` called while `start()` is under way waits for it and
 *   leaves nothing open.
 */
export function describeLifecycleContract<C extends Lifecycle>(name: string, subject: LifecycleSubject<C>): void {
  describe(`${name} keeps the lifecycle contract`, () => {
    it('shares one start among concurrent start() calls', async () => {
      await withComponent(subject, async (component) => {
        await Promise.all([component.start(), component.start()]);
        await component.start();
        await subject.assertStarted?.(component);
        await component.shutdown();
        await subject.assertStopped?.(component);
      });
    });

    it('resolves a second shutdown() only after the first has finished', async () => {
      await withComponent(subject, async (component) => {
        await component.start();
        await subject.load?.(component);
        const settled: string[] = [];
        const first = component.shutdown().then(() => void settled.push('first'));
        const second = component.shutdown().then(() => void settled.push('second'));
        await Promise.all([first, second]);
        assert.deepEqual(settled, ['first', 'second'], 'the second shutdown() resolved before the first had finished');
        await component.shutdown();
        await subject.assertStopped?.(component);
      });
    });

    it('shuts down before start() and refuses to start afterwards', async () => {
      await withComponent(subject, async (component) => {
        await component.shutdown();
        await assert.rejects(component.start(), isShutDownRefusal);
        await subject.assertStopped?.(component);
      });
    });

    it('refuses start() after a finished shutdown()', async () => {
      await withComponent(subject, async (component) => {
        await component.start();
        await component.shutdown();
        await assert.rejects(component.start(), isShutDownRefusal);
        await subject.assertStopped?.(component);
      });
    });

    it('lets a shutdown() during start() wait for the start, then stop', async () => {
      await withComponent(subject, async (component) => {
        const starting = component.start();
        const stopping = component.shutdown();
        await Promise.all([starting.catch(() => undefined), stopping]);
        await subject.assertStopped?.(component);
      });
    });
  });
}

async function withComponent<C extends Lifecycle>(subject: LifecycleSubject<C>, check: (component: C) => Promise<void>): Promise<void> {
  const component = await subject.create();
  // Counted after create, so what the subject makes beside the component (a backend) is not taken for a leak.
  const before = handleCounts();
  try {
    await check(component);
    await component.shutdown();
    await assertHandlesReleased(before);
  } finally {
    await component.shutdown().catch(() => undefined);
    await subject.dispose?.(component);
  }
}

function isShutDownRefusal(error: unknown): boolean {
  assert.ok(error instanceof Error, 'start() after shutdown() rejects with an Error');
  assert.match(error.message, /shut down/, 'the refusal says the component was shut down');
  return true;
}

/** Referenced handles by type (unreferenced timers do not keep the process up and are not listed). */
function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function handlesLeft(before: Map<string, number>): string[] {
  const left: string[] = [];
  for (const [type, count] of handleCounts()) {
    const extra = count - (before.get(type) ?? 0);
    if (extra > 0) left.push(`${extra} × ${type}`);
  }
  return left;
}

/** Sockets finish closing a turn or two after their server's close callback, so this waits for them with a deadline. */
async function assertHandlesReleased(before: Map<string, number>): Promise<void> {
  const deadline = Date.now() + HANDLE_RELEASE_MILLIS;
  let left = handlesLeft(before);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    left = handlesLeft(before);
  }
  assert.deepEqual(left, [], 'handles still open after shutdown');
}
