import { expect } from 'chai';
import { TurnClosedError, beforeWrite, outsideTurn, runTurn } from '../../src/app/turn';

/** A promise the test resolves when it wants: no timers involved. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('turns: deadlines and the truth about what was written', () => {
  it('on time: the value', async () => {
    expect(await runTurn(1000, async () => 42)).to.deep.equal({ ok: true, value: 42 });
  });

  it('failed before any write: wrote = false ("nothing was saved" is true)', async () => {
    const outcome = await runTurn(1000, async () => {
      throw new Error('Cosmos down');
    });
    expect(outcome).to.deep.include({ ok: false, why: 'failed', wrote: false });
  });

  it('failed after a write was issued: wrote = true ("not confirmed yet")', async () => {
    const outcome = await runTurn(1000, async () => {
      beforeWrite();
      throw new Error('503 on the batch');
    });
    expect(outcome).to.deep.include({ ok: false, why: 'failed', wrote: true });
  });

  it('late without a write: answered "timeout", and the late work may no longer write', async () => {
    const g = gate();
    let lateWrite: unknown = null;
    const outcome = await runTurn(20, async () => {
      await g.opened;
      try {
        beforeWrite();
      } catch (error) {
        lateWrite = error;
      }
    });
    expect(outcome).to.deep.include({ ok: false, why: 'timeout', wrote: false });
    g.open();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(lateWrite).to.be.instanceOf(TurnClosedError);
  });

  it('late after a write: wrote = true, and the work goes on (it is idempotent)', async () => {
    const g = gate();
    let finished = false;
    const outcome = await runTurn(20, async () => {
      beforeWrite();
      await g.opened;
      beforeWrite();
      finished = true;
    });
    expect(outcome).to.deep.include({ ok: false, why: 'timeout', wrote: true });
    g.open();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(finished).to.equal(true);
  });

  it('background work started from a turn carries none of its state', async () => {
    const g = gate();
    let background: unknown = 'not run';
    const outcome = await runTurn(20, async () => {
      outsideTurn(() => {
        void g.opened.then(() => {
          try {
            beforeWrite();
            background = 'wrote';
          } catch (error) {
            background = error;
          }
        });
      });
      await g.opened;
    });
    expect(outcome).to.deep.include({ why: 'timeout', wrote: false });
    g.open();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(background).to.equal('wrote');
  });

  it('outside any turn, writes are not tracked', () => {
    expect(() => beforeWrite()).not.to.throw();
  });
});
