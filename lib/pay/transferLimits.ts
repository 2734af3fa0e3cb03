/**
 * What a transfer bill (商家转账) accepts, in fen. WeChat Pay: "单笔转账额度最低为0.1元"; user_name
 * "转账金额 >= 2,000元时，该笔明细必须填写". We never hold followers' real names, so every transfer we
 * send stays below 2,000 CNY.
 */
export const TRANSFER_MIN_FEN = 10;
export const TRANSFER_NAME_REQUIRED_FROM_FEN = 200_000;
export const TRANSFER_WITHOUT_NAME_MAX_FEN = TRANSFER_NAME_REQUIRED_FROM_FEN - 1;
