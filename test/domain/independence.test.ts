import { expect } from 'chai';
import { independentDeciders, involvedIn } from '../../src/domain/independence';

const AREA = { headOfService: 'hos', deputy: 'dep', alternates: ['alt-1', 'alt-2'] };
const measure = (proposer: string, reporters: string[], deciders: string[] = []) => ({
  proposedBy: { id: proposer, name: proposer },
  reporters,
  deciders,
});

/** Nobody decides what they proposed, reported an incident for, or already decided (docs/rules.md#R-signoff-independent). */
describe('independence', () => {
  it('involved: the proposer, every reporter of an incident relied on, and everyone who decided on it', () => {
    expect([...involvedIn(measure('cm', ['r1', 'r2'], ['hos']))]).to.have.members(['cm', 'r1', 'r2', 'hos']);
  });

  it('the first two on [Head of Service, deputy, alternates…] who took no part decide', () => {
    expect(independentDeciders(AREA, new Set(['staff']))).to.deep.equal({ approverId: 'hos', deputyId: 'dep' });
    expect(independentDeciders(AREA, new Set(['hos']))).to.deep.equal({ approverId: 'dep', deputyId: 'alt-1' });
    expect(independentDeciders(AREA, new Set(['hos', 'dep']))).to.deep.equal({ approverId: 'alt-1', deputyId: 'alt-2' });
    expect(independentDeciders({ ...AREA, deputy: null }, new Set(['alt-1']))).to.deep.equal({ approverId: 'hos', deputyId: 'alt-2' });
  });

  it('one independent person decides alone; nobody independent gives nobody (the case managers are told)', () => {
    expect(independentDeciders(AREA, new Set(['hos', 'dep', 'alt-1']))).to.deep.equal({ approverId: 'alt-2', deputyId: null });
    expect(independentDeciders(AREA, new Set(['hos', 'dep', 'alt-1', 'alt-2']))).to.deep.equal({ approverId: null, deputyId: null });
  });
});
