import { expect } from 'chai';
import { FILE_WHEN, text } from '../support/page-file-services.js';
import { defineService } from '../../workflows/define-service.js';
import { standardReview } from '../../workflows/standard-review.js';
import { strayDocuments } from '../../server/services/page-files.js';

describe('Stored documents of questions that do not show', () => {
  const doc = (requirement_key: string) => ({ requirement_key });
  const TWO_ASK = defineService({
    ...FILE_WHEN,
    slug: 'file-two-ask-test',
    workflow: standardReview(),
    fields: [
      ...FILE_WHEN.fields,
      // A second question asking for the same document, shown for the other answer.
      {
        key: 'attorneyCopy',
        type: 'file',
        step: 0,
        document: 'attorney',
        showWhen: { field: 'forOther', equals: 'no' },
        label: text('نسخة', 'A copy'),
      },
    ],
  });

  it('when no question asking for a document shows, then its stored files are stray', () => {
    expect(strayDocuments(FILE_WHEN, { forOther: 'no' }, [doc('attorney')])).to.deep.equal([doc('attorney')]);
    expect(strayDocuments(FILE_WHEN, {}, [doc('attorney')])).to.deep.equal([doc('attorney')]);
  });

  it('when a question asking for the document shows, then its files are not stray', () => {
    expect(strayDocuments(FILE_WHEN, { forOther: 'yes' }, [doc('attorney')])).to.deep.equal([]);
  });

  it('when two questions ask for one document and either shows, then its files are not stray', () => {
    expect(strayDocuments(TWO_ASK, { forOther: 'no' }, [doc('attorney')])).to.deep.equal([]);
    expect(strayDocuments(TWO_ASK, { forOther: 'yes' }, [doc('attorney')])).to.deep.equal([]);
  });

  it('when a document is asked by no question of the form, then its files are never stray', () => {
    expect(strayDocuments(FILE_WHEN, { forOther: 'no' }, [doc('site-plan')])).to.deep.equal([]);
  });
});
