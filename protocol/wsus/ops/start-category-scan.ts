// StartCategoryScan (Windows 10+ WUA, category-filtered scans). The request carries no cookie.
import type { StartCategoryScanResponse } from '../types.ts';
import { elements, optTextList, reqElement, reqInt, reqText } from '../xml-read.ts';
import { el, optListEl, textEl } from '../xml-write.ts';
import type { OpCodec } from './codec.ts';

export const startCategoryScanCodec: OpCodec<'StartCategoryScan'> = {
  writeRequest: (req) =>
    el(
      'requestedCategories',
      req.requestedCategories
        .map((c) =>
          el(
            'CategoryRelationship',
            textEl('IndexOfAndGroup', c.indexOfAndGroup) + textEl('CategoryId', c.categoryId),
          ),
        )
        .join(''),
    ),

  readRequest(node) {
    const where = 'StartCategoryScan/requestedCategories';
    return {
      requestedCategories: elements(
        reqElement(node, 'requestedCategories', 'StartCategoryScan'),
        'CategoryRelationship',
      ).map((c, i) => ({
        indexOfAndGroup: reqInt(c, 'IndexOfAndGroup', `${where}/CategoryRelationship[${i}]`),
        categoryId: reqText(c, 'CategoryId', `${where}/CategoryRelationship[${i}]`),
      })),
    };
  },

  writeResponse: (res) =>
    optListEl('preferredCategoryIds', 'guid', res.preferredCategoryIds) +
    optListEl('requestedCategoryIdsInError', 'guid', res.requestedCategoryIdsInError),

  readResponse(node) {
    const res: StartCategoryScanResponse = {
      preferredCategoryIds: optTextList(node, 'preferredCategoryIds', 'guid') ?? [],
    };
    const inError = optTextList(node, 'requestedCategoryIdsInError', 'guid');
    if (inError !== undefined) res.requestedCategoryIdsInError = inError;
    return res;
  },
};
