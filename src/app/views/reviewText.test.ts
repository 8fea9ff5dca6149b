import { describe, expect, it } from 'vitest';
import { caseOptionText, modelText, predictionProgressText, scoreCaveat } from './reviewText.ts';

describe('the review\'s words', () => {
  it('names each case with its role at this site', () => {
    expect(caseOptionText({ id: 'Sample_003', role: 'validation' })).toBe('Sample_003 (validation case)');
    expect(caseOptionText({ id: 'Sample_001', role: 'train' })).toBe('Sample_001 (training case)');
    expect(caseOptionText({ id: 'P9', role: 'unusable' })).toBe('P9 (not used for training)');
  });

  it('names the model by the rounds it holds', () => {
    expect(modelText({ after: 0, of: 100 })).toBe('the initial global model (no round closed yet)');
    expect(modelText({ after: 22, of: 100 })).toBe('the global model after round 22 of 100');
    expect(modelText({ after: 100, of: 100 })).toBe('the final model, after all 100 rounds');
    expect(modelText({ after: 1, of: 1 })).toBe('the final model, after the one round');
  });

  it('warns that a training case\'s Dice is optimistic, and only then', () => {
    expect(scoreCaveat('train', true)).toMatch(/training cases: the model has learnt from it, so its Dice is optimistic/);
    expect(scoreCaveat('train', false)).toBeNull();
    expect(scoreCaveat('validation', true)).toBeNull();
    expect(scoreCaveat(undefined, true)).toBeNull();
  });

  it('gives the prediction\'s progress with an ETA from its pace', () => {
    expect(predictionProgressText(0, 2160, 0)).toBe('part 0 of 2160');
    expect(predictionProgressText(56, 2160, 28_000)).toBe('part 56 of 2160 · ETA 17 min 32 s');
    expect(predictionProgressText(2160, 2160, 60_000)).toBe('part 2160 of 2160');
  });
});
